// Command startbench measures how PKCE Desk starts beside a bare Fyne window of the same
// size (./bare): under one private Xvfb screen of 1024x700 it launches the two alternately,
// each time with a fresh HOME (so PKCE Desk starts as on first run, on its offline sandbox,
// and needs no keyring), and records
//
//   - start: wall time from exec to the window being mapped (the X server's MapNotify), and
//   - memory: the process's resident set (VmRSS) 3 s after that,
//
// then prints every figure, the medians, their ratios and the goals. It exits 1 when a goal
// is missed. Run it from the module root (`make bench` does):
//
//	STARTBENCH_RUNS=7 go run ./.ci/startbench
//
// STARTBENCH_SRC=dir builds PKCE Desk from another checkout instead, for a before/after.
package main

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The goals: PKCE Desk may take at most this many times what a bare Fyne window takes.
const (
	startGoal  = 1.5
	memoryGoal = 1.25
)

const (
	screenSize = "1024x700"
	appTitle   = "PKCE Desk"
	bareTitle  = "Bare Fyne window"
	settle     = 3 * time.Second // how long after mapping the resident set is read
	// drawnColours distinct colours in the window's top rows mean text is drawn there:
	// anti-aliased glyphs bring dozens, the empty window has its background only.
	drawnColours = 16
)

func main() {
	runs := 7
	if v := os.Getenv("STARTBENCH_RUNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "startbench: STARTBENCH_RUNS=%q is not a positive number\n", v)
			os.Exit(2)
		}
		runs = n
	}
	// STARTBENCH_SRC measures PKCE Desk built from another checkout (an older commit, say).
	src := cmp.Or(os.Getenv("STARTBENCH_SRC"), ".")
	ok, err := run(runs, src, os.Stdout)
	if err != nil {
		fmt.Fprintf(os.Stderr, "startbench: %v\n", err)
		os.Exit(1)
	}
	if !ok {
		os.Exit(1)
	}
}

func run(runs int, appSrc string, out io.Writer) (bool, error) {
	tmp, err := os.MkdirTemp("", "startbench-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(tmp)

	goCmd := cmp.Or(os.Getenv("GO"), "go")
	appBin, bareBin := filepath.Join(tmp, "pkcedesk"), filepath.Join(tmp, "bare")
	// The app is built as `make build` and the releases build it (APPTAGS, e.g. no_emoji);
	// the bare window is stock Fyne, the figure the app is measured against.
	appTags := os.Getenv("APPTAGS")
	fmt.Fprintf(out, "pkcedesk built with -tags %q (as make build and the releases); bare window: stock Fyne\n", appTags)
	for _, b := range [][4]string{{appBin, ".", appSrc, appTags}, {bareBin, "./.ci/startbench/bare", ".", ""}} {
		build := exec.Command(goCmd, "build", "-tags", b[3], "-o", b[0], b[1])
		build.Dir = b[2]
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return false, fmt.Errorf("go build %s: %w", b[1], err)
		}
	}

	display, stopX, err := startXvfb(tmp)
	if err != nil {
		return false, err
	}
	defer stopX()
	x, err := dialX(display)
	if err != nil {
		return false, fmt.Errorf("connect to Xvfb %s: %w", display, err)
	}
	defer x.Close()

	l := &launcher{x: x, display: display, tmp: tmp}
	// The first launch of each is a warm-up (page cache, Mesa's shader cache): not counted.
	// It also tells the bare window which size to take.
	first, err := l.launch(appTitle, true, appBin)
	if err != nil {
		return false, err
	}
	bareArgs := []string{"-title", bareTitle, "-size", fmt.Sprintf("%dx%d", first.width, first.height)}
	if _, err := l.launch(bareTitle, false, bareBin, bareArgs...); err != nil {
		return false, err
	}

	fmt.Fprintf(out, "\nStart-up under Xvfb %s: PKCE Desk (first run, sandbox) beside a bare Fyne window of %dx%d\n",
		screenSize, first.width, first.height)
	fmt.Fprintf(out, "%d launches each, alternating, after one warm-up of each; memory is VmRSS %s after the window is mapped\n\n",
		runs, settle)
	var app, bare samples
	for i := 1; i <= runs; i++ {
		a, err := l.launch(appTitle, true, appBin)
		if err != nil {
			return false, err
		}
		b, err := l.launch(bareTitle, false, bareBin, bareArgs...)
		if err != nil {
			return false, err
		}
		app.add(a)
		bare.add(b)
		fmt.Fprintf(out, "  run %2d   PKCE Desk mapped %5.0f ms, drawn %5.0f ms, %6.1f MiB   bare Fyne mapped %5.0f ms, %6.1f MiB\n",
			i, ms(a.start), ms(a.drawn), mib(a.rss), ms(b.start), mib(b.rss))
	}
	return report(out, app, bare), nil
}

// launched is one launch's figures.
type launched struct {
	start         time.Duration
	drawn         time.Duration // until text shows in the window's top rows; 0 if not watched
	rss           int64         // bytes
	width, height int
}

type samples struct{ start, drawn, rss []float64 }

func (s *samples) add(l launched) {
	s.start = append(s.start, float64(l.start))
	s.drawn = append(s.drawn, float64(l.drawn))
	s.rss = append(s.rss, float64(l.rss))
}

// report prints the medians and ratios against the goals; it returns false if one is missed.
func report(w io.Writer, app, bare samples) bool {
	ok := true
	fmt.Fprintln(w, "\nStart-up (medians):")
	for _, f := range []struct {
		name     string
		app, ref float64
		goal     float64
		render   func(float64) string
	}{
		{"window mapped after", median(app.start), median(bare.start), startGoal,
			func(v float64) string { return fmt.Sprintf("%.0f ms", ms(time.Duration(v))) }},
		{"memory 3 s later", median(app.rss), median(bare.rss), memoryGoal,
			func(v float64) string { return fmt.Sprintf("%.1f MiB", mib(int64(v))) }},
	} {
		ratio := f.app / f.ref
		verdict := "met"
		if !(ratio <= f.goal) {
			verdict, ok = "MISSED", false
		}
		fmt.Fprintf(w, "  %-20s PKCE Desk %10s   bare Fyne %10s   ratio %.2f   goal ≤ %.2f   %s\n",
			f.name, f.render(f.app), f.render(f.ref), ratio, f.goal, verdict)
	}
	fmt.Fprintf(w, "  %-20s PKCE Desk %7.0f ms   (its menu bar and header on screen; a bare window draws nothing)\n",
		"first screen drawn", ms(time.Duration(median(app.drawn))))
	return ok
}

func median(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func mib(b int64) float64        { return float64(b) / (1 << 20) }

// launcher starts one program at a time on the benchmark's display.
type launcher struct {
	x       *xconn
	display string
	tmp     string
	n       int
}

// launch runs bin with a fresh HOME, waits for its window (and, with drawn, for text in
// it), reads its resident set settle after mapping, and stops it.
func (l *launcher) launch(title string, drawn bool, bin string, args ...string) (launched, error) {
	l.n++
	home := filepath.Join(l.tmp, fmt.Sprintf("home-%d", l.n))
	runtime := filepath.Join(home, "run")
	if err := os.MkdirAll(runtime, 0o700); err != nil {
		return launched{}, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"DISPLAY=" + l.display,
		"LANG=en_US.UTF-8",
		"LIBGL_ALWAYS_SOFTWARE=1",
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"XDG_RUNTIME_DIR=" + runtime,
		// No session bus, for both alike: nothing autolaunches one, and the keyring and
		// the desktop portal answer "not available" at once.
		"DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(runtime, "no-bus"),
	}
	// Its output goes to a file the child writes itself: read only when something failed.
	logPath := filepath.Join(home, "output.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return launched{}, err
	}
	defer logFile.Close()
	output := func() string { b, _ := os.ReadFile(logPath); return string(b) }
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}

	l.x.drain()
	started := time.Now()
	if err := cmd.Start(); err != nil {
		return launched{}, err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // its process group: the one started here
		<-exited
	}()

	ev, err := l.x.waitMapped(title, started.Add(60*time.Second), exited)
	if err != nil {
		return launched{}, fmt.Errorf("%s: %w\n%s", filepath.Base(bin), err, output())
	}
	res := launched{start: ev.At.Sub(started)}
	if res.width, res.height, err = l.x.size(ev.Window); err != nil {
		return launched{}, err
	}
	if drawn {
		// The window maps before PKCE Desk builds its screens in it (views.ShowDeskWindow):
		// watch its top rows, where the menu bar and the header appear, for text.
		for {
			n, err := l.x.colours(ev.Window, res.width, min(80, res.height))
			if err != nil {
				return launched{}, err
			}
			if n >= drawnColours {
				res.drawn = time.Since(started)
				break
			}
			if time.Since(started) > 60*time.Second {
				return launched{}, fmt.Errorf("%s: the window stayed empty\n%s", filepath.Base(bin), output())
			}
			time.Sleep(5 * time.Millisecond) // X has no event for "a client drew text"
		}
	}
	select {
	case <-exited:
		return launched{}, fmt.Errorf("%s exited after its window showed:\n%s", filepath.Base(bin), output())
	case <-time.After(settle - time.Since(ev.At)):
	}
	res.rss, err = residentSet(cmd.Process.Pid)
	return res, err
}

// residentSet is VmRSS from /proc/PID/status (proc(5)), in bytes.
func residentSet(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS in /proc/" + strconv.Itoa(pid) + "/status")
}

// startXvfb starts a private X server of screenSize and returns its display name and how to
// stop it. With -displayfd Xvfb picks a free display itself and writes its number once it
// accepts connections (Xserver(1)).
func startXvfb(tmp string) (string, func(), error) {
	logFile, err := os.Create(filepath.Join(tmp, "xvfb.log"))
	if err != nil {
		return "", nil, err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", screenSize+"x24", "-nolisten", "tcp", "-noreset")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start Xvfb (installed by .ci/deps test): %w", err)
	}
	w.Close()
	stop := func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logFile.Close()
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if n, convErr := strconv.Atoi(strings.TrimSpace(line)); err == nil && convErr == nil {
		return ":" + strconv.Itoa(n), stop, nil
	}
	stop()
	log, _ := os.ReadFile(logFile.Name())
	return "", nil, fmt.Errorf("the Xvfb server did not start:\n%s", log)
}
