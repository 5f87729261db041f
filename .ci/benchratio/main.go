// Command benchratio reads `go test -bench` output on standard input, passes it through, and
// then prints the engine's speed figures: for each pair of benchmarks the median of every run of
// each side, their ratio and the goal it is held to. The pairs are measured in one run,
// interleaved (sub-benchmarks of one benchmark, so -count alternates them), which keeps the ratio
// meaningful on a busy or slow machine where the absolute times are not.
//
//	for i in 1 2 3; do go test -run '^$' -bench . -benchmem ./pingone/...; done | go run ./.ci/benchratio
//
// go test's -count runs one sub-benchmark N times before the next, so `make bench` runs the
// test binaries N times instead, one run of each side after the other.
//
// It exits 1 when a figure misses its goal or a benchmark it needs did not run.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// figure is one line of the report: Numerator ÷ Denominator, measured in Unit.
type figure struct {
	Title       string
	Numerator   string // benchmark name without the -GOMAXPROCS suffix
	Denominator string
	Unit        string
	Goal        float64
	AtLeast     bool // the ratio must be ≥ Goal (throughput); otherwise ≤ Goal (cost)
}

var figures = []figure{
	{
		Title:       "redirectless sign-in against the sandbox vs a minimal net/http client",
		Numerator:   "BenchmarkRedirectlessSignIn/desk",
		Denominator: "BenchmarkRedirectlessSignIn/reference",
		Unit:        "ns/op", Goal: 1.15,
	},
	{
		Title:       "ID-token verification (JWKS cached) vs jwt.ParseWithClaims with the key in hand",
		Numerator:   "BenchmarkVerifyIDToken/desk",
		Denominator: "BenchmarkVerifyIDToken/reference",
		Unit:        "ns/op", Goal: 1.15,
	},
	{
		Title:       "sandbox CPU time per sign-in vs its two RS256 signatures",
		Numerator:   "BenchmarkSandboxSignInCPU/desk",
		Denominator: "BenchmarkSandboxSignInCPU/reference",
		Unit:        "cpu-ns/op", Goal: 1.15,
	},
	{
		Title:       "sandbox sign-ins/s at 8 concurrent clients vs 1 client",
		Numerator:   "BenchmarkSandboxThroughput/clients=8",
		Denominator: "BenchmarkSandboxThroughput/clients=1",
		Unit:        "signins/s", Goal: 1.6, AtLeast: true,
	},
}

// results holds every value seen, by benchmark name and then unit.
type results map[string]map[string][]float64

var procSuffix = regexp.MustCompile(`-\d+$`)

// parse reads benchmark lines ("BenchmarkX/sub-2  1000  123 ns/op  45 B/op ...") and copies
// everything it reads to echo.
func parse(r io.Reader, echo io.Writer) (results, error) {
	res := results{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(echo, line)
		fields := strings.Fields(line)
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(fields[1]); err != nil {
			continue // a benchmark's own log line, not a result
		}
		name := procSuffix.ReplaceAllString(fields[0], "")
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				break
			}
			if res[name] == nil {
				res[name] = map[string][]float64{}
			}
			res[name][fields[i+1]] = append(res[name][fields[i+1]], v)
		}
	}
	return res, sc.Err()
}

func median(vs []float64) float64 {
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// human renders a value in its unit for reading: durations in µs or ms, rates as they are.
func human(v float64, unit string) string {
	switch unit {
	case "ns/op", "cpu-ns/op":
		switch {
		case v >= 1e6:
			return fmt.Sprintf("%.2f ms", v/1e6)
		case v >= 1e3:
			return fmt.Sprintf("%.1f µs", v/1e3)
		default:
			return fmt.Sprintf("%.0f ns", v)
		}
	case "B/op":
		switch {
		case v >= 1<<20:
			return fmt.Sprintf("%.2f MB", v/(1<<20))
		case v >= 1<<10:
			return fmt.Sprintf("%.1f KB", v/(1<<10))
		default:
			return fmt.Sprintf("%.0f B", v)
		}
	default:
		return fmt.Sprintf("%.0f %s", v, unit)
	}
}

// report writes the figures and says whether each met its goal; it returns false if any did
// not, or could not be computed.
func report(w io.Writer, res results) bool {
	ok := true
	fmt.Fprintln(w, "\nEngine speed (medians over every run above; ratios from the same run):")
	for _, f := range figures {
		num, den := res[f.Numerator][f.Unit], res[f.Denominator][f.Unit]
		fmt.Fprintf(w, "\n  %s\n", f.Title)
		if len(num) == 0 || len(den) == 0 {
			fmt.Fprintf(w, "    MISSING: no %s figures for %s and %s\n", f.Unit, f.Numerator, f.Denominator)
			ok = false
			continue
		}
		n, d := median(num), median(den)
		fmt.Fprintf(w, "    %-44s %12s  (%d runs)\n", f.Numerator, human(n, f.Unit), len(num))
		fmt.Fprintf(w, "    %-44s %12s  (%d runs)\n", f.Denominator, human(d, f.Unit), len(den))
		if alloc := allocated(res, f.Numerator); alloc != "" && !f.AtLeast {
			if ref := allocated(res, f.Denominator); ref != "" {
				fmt.Fprintf(w, "    allocated per op: %s, reference %s\n", alloc, ref)
			}
		}
		ratio := n / d
		met := ratio <= f.Goal
		sign := "≤"
		if f.AtLeast {
			met, sign = ratio >= f.Goal, "≥"
		}
		verdict := "met"
		if !met {
			verdict, ok = "MISSED", false
		}
		fmt.Fprintf(w, "    ratio %.2f   goal %s %.2f   %s\n", ratio, sign, f.Goal, verdict)
	}
	// The throughput at every client count, not only the two in the ratio.
	var counts []string
	for name := range res {
		if strings.HasPrefix(name, "BenchmarkSandboxThroughput/") {
			counts = append(counts, name)
		}
	}
	sort.Slice(counts, func(i, j int) bool { return clients(counts[i]) < clients(counts[j]) })
	if len(counts) > 0 {
		fmt.Fprintln(w, "\n  sandbox sign-ins per second")
		for _, name := range counts {
			if vs := res[name]["signins/s"]; len(vs) > 0 {
				fmt.Fprintf(w, "    %-44s %12.0f\n", strings.TrimPrefix(name, "BenchmarkSandboxThroughput/"), median(vs))
			}
		}
	}
	return ok
}

// allocated renders a benchmark's median -benchmem figures, or "" without them.
func allocated(res results, name string) string {
	bytes, allocs := res[name]["B/op"], res[name]["allocs/op"]
	if len(bytes) == 0 || len(allocs) == 0 {
		return ""
	}
	return fmt.Sprintf("%s in %.0f allocations", human(median(bytes), "B/op"), median(allocs))
}

func clients(name string) int {
	_, after, _ := strings.Cut(name, "clients=")
	n, _ := strconv.Atoi(after)
	return n
}

func main() {
	res, err := parse(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchratio:", err)
		os.Exit(1)
	}
	if !report(os.Stdout, res) {
		fmt.Fprintln(os.Stdout, "\nbenchratio: a figure missed its goal or was not measured")
		os.Exit(1)
	}
}
