package views

import (
	"math"
	"os"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// The window's size. It opens at preferredWindowSize when the screen has room, else as
// large as the screen allows, and never larger: a window wider or taller than the screen
// hides its edges, with their labels and buttons. smallestScreen is the smallest screen
// every screen of the app must fit, in Fyne's logical units: 1024x700 at scale 1, and
// 1440x900 at FYNE_SCALE=1.5 (960x600).
var (
	preferredWindowSize = fyne.NewSize(1180, 780)
	smallestScreen      = fyne.NewSize(960, 600)
	// screenMargin is left free around the window for the window manager's title bar
	// and the desktop's panels.
	screenMargin = fyne.NewSize(24, 40)
)

// windowSizeFor is the size the window opens at on a screen of that logical size; a zero
// screen (unknown) is taken to be the smallest supported one.
func windowSizeFor(screen fyne.Size) fyne.Size {
	if screen.Width <= 0 || screen.Height <= 0 {
		screen = smallestScreen
	}
	size := preferredWindowSize.Min(screen.Subtract(screenMargin))
	return fyne.NewSize(float32(math.Floor(float64(size.Width))), float32(math.Floor(float64(size.Height))))
}

// fitToScreen sizes w after the screen it opens on. Fyne has no API for the screen's
// size; screenOf asks the desktop driver (GLFW) directly, and answers nothing under the
// test driver, where the window takes the size of the smallest supported screen.
func fitToScreen(a fyne.App, w fyne.Window) {
	px, scale, ok := screenOf(a, w)
	if !ok {
		w.Resize(windowSizeFor(fyne.Size{}))
		return
	}
	guess := windowSizeFor(fyne.NewSize(float32(px.Width)/scale, float32(px.Height)/scale))
	w.Resize(guess)
	// The scale above repeats Fyne's own rule (FYNE_SCALE times the screen's DPI over
	// 120), which Fyne only settles once the window exists. Once it runs, the canvas knows
	// its real scale: if it differs, size the window again.
	a.Lifecycle().SetOnStarted(func() {
		real := w.Canvas().Scale()
		if real <= 0 || real == scale {
			return
		}
		if size := windowSizeFor(fyne.NewSize(float32(px.Width)/real, float32(px.Height)/real)); size != guess {
			w.Resize(size)
		}
	})
}

// screenPixels is a screen's size in device pixels.
type screenPixels struct{ Width, Height int }

// fyneScale is the scale Fyne gives a window on a screen widthPx pixels and widthMM
// millimetres wide (the GLFW driver's rule: the user's scale times the screen's DPI over
// 120, never below 1, to one decimal). system is the platform's own scale, 0 for none.
func fyneScale(a fyne.App, widthPx, widthMM int, system float32) float32 {
	user := float32(1)
	env := os.Getenv("FYNE_SCALE")
	if v, err := strconv.ParseFloat(env, 32); env != "" && env != "auto" && err == nil && v > 0 {
		user = float32(v)
	} else if env != "auto" && a != nil {
		if s := a.Settings().Scale(); s > 0 {
			user = s
		}
	}
	detected := float32(1)
	switch {
	case system > 0:
		detected = system
	case widthMM > 0 && !dpiDetectionDisabled():
		if dpi := float32(widthPx) / (float32(widthMM) / 25.4); dpi >= 10 && dpi <= 1000 {
			detected = max(1, dpi/120)
		}
	}
	return float32(math.Round(float64(user*detected*10))) / 10
}

func dpiDetectionDisabled() bool {
	switch os.Getenv("FYNE_DISABLE_DPI_DETECTION") {
	case "1", "t", "T", "true", "TRUE", "True":
		return true
	}
	return false
}

// fitScreen puts a screen in a scroll container, so no screen can make the window larger
// than the screen: one that does not fit scrolls instead. The layout test keeps every
// screen small enough that this never shows at the supported sizes.
func fitScreen(content fyne.CanvasObject) fyne.CanvasObject {
	return container.NewScroll(content)
}

// lazyScreen is a navigation item's content: an empty placeholder until the screen is
// first shown, then the screen in fitScreen's scroll container. container.AppTabs
// measures and lays out every item's content, hidden ones too, and measuring text (Fyne
// shapes every label with HarfBuzz and loads a set of font faces for each text style) is
// most of what showing a screen costs: a placeholder keeps that off the start of the app.
// The screen's widgets exist from the start, so they can be filled while it waits.
type lazyScreen struct {
	widget.BaseWidget
	screen fyne.CanvasObject
	holder *fyne.Container // empty until open
}

func newLazyScreen(screen fyne.CanvasObject) *lazyScreen {
	l := &lazyScreen{screen: screen, holder: container.NewStack()}
	l.ExtendBaseWidget(l)
	return l
}

func (l *lazyScreen) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(l.holder) }

// open puts the screen in, at the placeholder's size; it does nothing the second time.
func (l *lazyScreen) open() {
	if l.opened() {
		return
	}
	l.holder.Objects = []fyne.CanvasObject{fitScreen(l.screen)}
	l.holder.Refresh()
}

func (l *lazyScreen) opened() bool { return len(l.holder.Objects) > 0 }

// screenContent is the screen inside a navigation item (unwrapping lazyScreen and
// fitScreen), whether it was shown yet or not.
func screenContent(item *container.TabItem) fyne.CanvasObject {
	switch c := item.Content.(type) {
	case *lazyScreen:
		return c.screen
	case *container.Scroll:
		return c.Content
	}
	return item.Content
}

// The collapsible timeline.

// prefTimelineOpen is the Fyne preference that remembers an open timeline.
const prefTimelineOpen = "views.timelineOpen"

// timelineSplitOffset is the screens' share of the height while the timeline is open.
const timelineSplitOffset = 0.72

// timelineShortcut shows or hides the timeline (Ctrl+J, Cmd+J on macOS, as the panel
// toggle of many editors).
var timelineShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyJ, Modifier: fyne.KeyModifierShortcutDefault}

// helpShortcut opens the help. Fyne's desktop driver turns no unmodified key into a
// shortcut, so the canvas's key handler catches F1 as well (window.go).
var helpShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF1}

func (win *Window) timelinePref() (collapsed bool) {
	if win.App == nil || win.App.Preferences() == nil {
		return true
	}
	return !win.App.Preferences().BoolWithFallback(prefTimelineOpen, false)
}

// SetTimelineCollapsed shows the timeline as its title line only (true), or open under
// the screens (false). It does not change the remembered choice.
func (win *Window) SetTimelineCollapsed(collapsed bool) {
	win.Timeline.SetCollapsed(collapsed)
	win.arrangeTimeline(collapsed)
}

// ToggleTimeline opens a collapsed timeline or collapses an open one, and remembers it.
func (win *Window) ToggleTimeline() {
	collapsed := !win.Timeline.Collapsed()
	win.SetTimelineCollapsed(collapsed)
	win.rememberTimeline(collapsed)
}

// timelineToggled follows the timeline's own button.
func (win *Window) timelineToggled(collapsed bool) {
	win.arrangeTimeline(collapsed)
	win.rememberTimeline(collapsed)
}

// arrangeTimeline gives the screens the whole height over the timeline's title line, or
// shares it with the open timeline through a divider the user can drag.
func (win *Window) arrangeTimeline(collapsed bool) {
	if win.split != nil {
		win.splitOffset = win.split.Offset
	}
	if win.presenter().On() { // presenter view: no HTTP timeline, with its headers and bodies
		win.split = nil
		win.body.Objects = []fyne.CanvasObject{win.Nav}
		win.Timeline.Hide()
		if c := win.Win.Canvas(); c != nil && c.Focused() == win.Timeline.list {
			c.Unfocus()
		}
	} else if collapsed {
		win.Timeline.Show()
		win.split = nil
		win.body.Objects = []fyne.CanvasObject{container.NewBorder(nil, win.Timeline, nil, nil, win.Nav)}
		if c := win.Win.Canvas(); c != nil && c.Focused() == win.Timeline.list {
			c.Unfocus()
		}
	} else {
		win.Timeline.Show()
		win.split = container.NewVSplit(win.Nav, win.Timeline)
		win.split.Offset = win.splitOffset // not SetOffset: the split is laid out once, with body
		win.body.Objects = []fyne.CanvasObject{win.split}
	}
	win.body.Refresh()
	if win.timelineMenu != nil {
		win.timelineMenu.Checked = !collapsed
		if m := win.Win.MainMenu(); m != nil {
			m.Refresh()
		}
	}
}

func (win *Window) rememberTimeline(collapsed bool) {
	if win.App != nil && win.App.Preferences() != nil {
		win.App.Preferences().SetBool(prefTimelineOpen, !collapsed)
	}
}

// Presenter view.

// presenter is the window's presenter-view state (one per app, presenterFor).
func (win *Window) presenter() *Presenter {
	if win == nil {
		return nil
	}
	return presenterFor(win.App)
}

// PresenterView reports whether presenter view is on.
func (win *Window) PresenterView() bool { return win.presenter().On() }

// SetPresenterView turns presenter view on or off and remembers it: every screen
// re-renders, masked or not (presenter.go), the header and the type grow, and the HTTP
// timeline is hidden while it is on.
func (win *Window) SetPresenterView(on bool) { win.presenter().Set(on) }

// TogglePresenterView flips presenter view (View menu, Ctrl+Shift+P).
func (win *Window) TogglePresenterView() { win.presenter().Toggle() }

// followPresenter applies the remembered presenter view to the window (theme, header,
// timeline, the menu's check) and follows its changes until stop. menuItem may be nil.
func (win *Window) followPresenter(menuItem *fyne.MenuItem) (stop func()) {
	p := win.presenter()
	apply := func(on bool) {
		if menuItem != nil {
			menuItem.Checked = on
		}
		if win.timelineMenu != nil { // the timeline stays hidden while presenter view is on
			win.timelineMenu.Disabled = on
		}
		win.arrangeTimeline(win.Timeline.Collapsed())
		if m := win.Win.MainMenu(); m != nil {
			m.Refresh()
		}
	}
	if p.On() {
		p.ApplyTheme()
	}
	stopHeader := win.Header.FollowPresenter(p)
	apply(p.On())
	stopWin := p.Subscribe(apply)
	return func() { stopHeader(); stopWin() }
}
