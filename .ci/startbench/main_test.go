package main

import (
	"encoding/binary"
	"strings"
	"testing"
	"time"
)

func TestReportHoldsEachFigureToItsGoal(t *testing.T) {
	bare := samples{start: []float64{float64(100 * time.Millisecond)}, rss: []float64{100 << 20}}
	for _, c := range []struct {
		name     string
		start    time.Duration
		rss      float64
		ok       bool
		verdicts []string
	}{
		{"both met", 150 * time.Millisecond, 125 << 20, true, []string{"met", "met"}},
		{"slow start", 151 * time.Millisecond, 100 << 20, false, []string{"MISSED", "met"}},
		{"too much memory", 100 * time.Millisecond, 126 << 20, false, []string{"met", "MISSED"}},
	} {
		app := samples{start: []float64{float64(c.start)}, drawn: []float64{float64(c.start)}, rss: []float64{c.rss}}
		var out strings.Builder
		if got := report(&out, app, bare); got != c.ok {
			t.Errorf("%s: report says %v, want %v:\n%s", c.name, got, c.ok, out.String())
		}
		lines := strings.Split(out.String(), "\n")
		for i, want := range c.verdicts {
			if line := lines[2+i]; !strings.HasSuffix(line, want) {
				t.Errorf("%s: %q does not end in %s", c.name, line, want)
			}
		}
	}
}

func TestMedian(t *testing.T) {
	if m := median([]float64{5, 1, 3}); m != 3 {
		t.Errorf("median of 5 1 3 = %v", m)
	}
	if m := median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("median of 4 1 3 2 = %v", m)
	}
}

// The root window sits after the setup reply's fixed part, the padded vendor string and
// the pixmap formats.
func TestRootFromSetup(t *testing.T) {
	body := make([]byte, 32)
	binary.LittleEndian.PutUint16(body[16:], 5) // vendor "Xvfb!" pads to 8
	body[20], body[21] = 1, 2                   // one screen, two formats
	body = append(body, "Xvfb!\x00\x00\x00"...)
	body = append(body, make([]byte, 16)...)
	body = binary.LittleEndian.AppendUint32(body, 0x1234)
	body = append(body, make([]byte, 36)...)
	root, err := rootFromSetup(body)
	if err != nil || root != 0x1234 {
		t.Fatalf("root = %#x, %v; want 0x1234", root, err)
	}
	body[20] = 0
	if _, err := rootFromSetup(body); err == nil {
		t.Error("a reply without screens gave a root window")
	}
}
