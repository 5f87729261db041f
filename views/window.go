// Package views holds the Fyne screens of PKCE Desk. Screens talk to the app
// package only; they never speak HTTP themselves.
package views

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/assets"
	"github.com/pkcedesk/pkcedesk/pingone"
)

// Screen is one entry of the main navigation. OnShow and OnHide (optional) let a screen
// start and stop work that only matters while it is visible, such as a countdown ticker.
type Screen struct {
	Title   string
	Icon    fyne.Resource
	Content fyne.CanvasObject
	OnShow  func()
	OnHide  func()
	// Focus (optional) receives the keyboard focus when the screen is shown.
	Focus fyne.Focusable
	// Actions are the screen's main commands, listed in the Actions menu.
	Actions []Action
	// OnKey (optional) gets a key typed while nothing has the focus and the screen is
	// shown; it reports whether it used the key.
	OnKey func(*fyne.KeyEvent) bool
}

// Options is what the window needs from the rest of the app. The zero value opens the
// window with placeholder screens and no connection.
type Options struct {
	// Version is shown in the About dialog; empty means the app metadata's version.
	Version string
	// Connection is shown in the header until SetConnection is called.
	Connection ConnectionInfo
	// Transcript, when set, feeds the HTTP timeline live.
	Transcript *pingone.Transcript
	// Tokens configures the Tokens screen (signature verification for pasted tokens).
	Tokens TokensOptions
	// Progress is the header's activity bar; screens built before the window share it.
	Progress *Progress
	// UI is the window's UI goroutine for background results (the screens' Shell.UI);
	// nil is fyne.Do.
	UI *UI
	// Connections, Applications and SignIn replace the placeholder screens.
	Connections, Applications, SignIn *Screen
	// Flow, when set, is the fifth screen (the live flow diagram and the stage demo).
	Flow *Screen
	// Lab, when set after Flow, is the sixth screen (the break-it lab, Ctrl+6).
	Lab *Screen
	// History, when set after Lab, is the seventh screen (every run of the session, Ctrl+7).
	History *Screen
	// File is the File menu's actions (export a run); their shortcuts work everywhere.
	File []Action
}

// Screen indexes, in navigation order; shortcuts Ctrl+1..6 follow the same order.
const (
	ScreenConnections = iota
	ScreenApplications
	ScreenSignIn
	ScreenTokens
	ScreenFlow
	ScreenLab
	ScreenHistory
)

// Window is the assembled main window: header, navigation, screens and the HTTP timeline.
type Window struct {
	App    fyne.App
	Win    fyne.Window
	Header *Header

	Screens  []Screen
	Nav      *container.AppTabs
	lazy     []*lazyScreen // the navigation items' contents, by screen index
	Tokens   *TokensScreen
	Timeline *Timeline
	Progress *Progress
	UI       *UI // the window's UI goroutine for background results

	about       *widget.Button
	aboutDialog dialog.Dialog
	helpDialog  dialog.Dialog
	versionOpt  string
	current     int
	unsubscribe func()
	stopReveal  func() // ends the focus follower (focusReveal)

	// body holds the screens above the timeline: a split with a draggable divider while
	// the timeline is open, the screens alone over its title line while it is collapsed.
	body         *fyne.Container
	split        *container.Split
	splitOffset  float64
	timelineMenu *fyne.MenuItem

	presenterMenu *fyne.MenuItem
	fileActions   []Action // the File menu
	stopPresenter func()   // ends following presenter view (followPresenter)
}

// NewWindow assembles the main window in w and returns it so that app/ (and tests) can push
// data into its screens.
func NewWindow(a fyne.App, w fyne.Window, opts Options) *Window { return newWindow(a, w, true, opts) }

// newWindow is NewWindow; fit sizes w after the screen (fitToScreen).
func newWindow(a fyne.App, w fyne.Window, fit bool, opts Options) *Window {
	progress := opts.Progress
	if progress == nil {
		progress = NewProgress()
	}
	win := &Window{App: a, Win: w, Progress: progress, UI: opts.UI, versionOpt: opts.Version, fileActions: opts.File}
	if opts.Tokens.Progress == nil {
		opts.Tokens.Progress = win.Progress
	}
	if opts.Tokens.UI == nil {
		opts.Tokens.UI = win.UI
	}

	win.Tokens = NewTokensScreen(a, opts.Tokens)
	win.Timeline = NewTimeline(a)
	win.Timeline.ui = win.UI
	win.Screens = []Screen{
		orDefault(opts.Connections, ConnectionsPlaceholder),
		orDefault(opts.Applications, ApplicationsPlaceholder),
		orDefault(opts.SignIn, SignInPlaceholder),
		win.Tokens.Screen(),
	}
	if opts.Flow != nil {
		win.Screens = append(win.Screens, *opts.Flow)
		if opts.Lab != nil {
			win.Screens = append(win.Screens, *opts.Lab)
			if opts.History != nil {
				win.Screens = append(win.Screens, *opts.History)
			}
		}
	}

	win.about = widget.NewButtonWithIcon("", theme.InfoIcon(), win.ShowAbout)
	win.about.Importance = widget.LowImportance
	win.Header = NewHeader(container.NewCenter(container.NewGridWrap(fyne.NewSize(120, 4), win.Progress.Bar)), win.about)
	win.Header.Set(opts.Connection)

	// Only the first screen goes into the window now; the others wait in a placeholder
	// until first shown, so starting costs one screen's layout, not four (lazyScreen).
	items := make([]*container.TabItem, len(win.Screens))
	win.lazy = make([]*lazyScreen, len(win.Screens))
	for i, s := range win.Screens {
		win.lazy[i] = newLazyScreen(s.Content)
		items[i] = container.NewTabItem(s.Title, win.lazy[i])
	}
	win.lazy[0].open()
	win.Nav = container.NewAppTabs(items...)
	win.Nav.SetTabLocation(container.TabLocationLeading)
	win.Nav.OnSelected = func(*container.TabItem) { win.selected(win.Nav.SelectedIndex()) }
	for i, s := range win.Screens {
		if i != 0 && s.OnHide != nil {
			s.OnHide()
		}
	}
	if s := win.Screens[0]; s.OnShow != nil {
		s.OnShow()
	}

	// The timeline sits under every screen: it is the app's "network tab". It starts
	// collapsed to its title line, unless the user left it open last time.
	win.body = container.NewStack()
	win.splitOffset = timelineSplitOffset
	win.Timeline.OnCollapse = win.timelineToggled
	win.SetTimelineCollapsed(win.timelinePref())
	w.SetContent(container.NewBorder(
		container.NewVBox(win.Header.Object, widget.NewSeparator()), nil, nil, nil, win.body))

	win.addShortcuts()
	w.SetMainMenu(win.mainMenu())
	win.stopPresenter = win.followPresenter(win.presenterMenu)
	if opts.Transcript != nil {
		win.Follow(opts.Transcript)
	}
	// Tab (or code) moving the focus below the fold scrolls it into view.
	reveal := newFocusReveal(w.Canvas(), win.UI, func() []*container.Scroll {
		return scrollsIn(win.lazy[win.current].holder)
	})
	win.stopReveal = reveal.start(nil)
	w.SetOnClosed(win.Close)
	if fit {
		fitToScreen(a, w)
	}
	return win
}

func orDefault(s *Screen, fallback func() Screen) Screen {
	if s != nil {
		return *s
	}
	return fallback()
}

// Show switches to screen i (ScreenConnections … ScreenTokens).
func (win *Window) Show(i int) {
	if i < 0 || i >= len(win.Screens) {
		return
	}
	win.Nav.SelectIndex(i) // OnSelected does the rest
	win.selected(i)
}

// Current is the index of the visible screen.
func (win *Window) Current() int { return win.current }

func (win *Window) selected(i int) {
	if i == win.current {
		return
	}
	if h := win.Screens[win.current].OnHide; h != nil {
		h()
	}
	win.current = i
	win.lazy[i].open()
	if s := win.Screens[i].OnShow; s != nil {
		s()
	}
	if f := win.Screens[i].Focus; f != nil {
		win.Win.Canvas().Focus(f)
	}
}

// SetConnection updates the header. Call it on the UI goroutine.
func (win *Window) SetConnection(c ConnectionInfo) { win.Header.Set(c) }

// ShowTokens pushes a sign-in result to the Tokens screen and switches to it.
func (win *Window) ShowTokens(set TokenSet) {
	win.Tokens.Show(set)
	win.Show(ScreenTokens)
}

// Follow feeds the timeline from t. Subscribers run on the requesting goroutine, hence
// the window's UI.
func (win *Window) Follow(t *pingone.Transcript) {
	if win.unsubscribe != nil {
		win.unsubscribe()
	}
	for _, ex := range t.Entries() {
		win.Timeline.Append(ex)
	}
	win.unsubscribe = t.Subscribe(func(ex pingone.Exchange) {
		win.UI.Do(func() { win.Timeline.Append(ex) })
	})
}

// Close stops background work owned by the window (tickers, transcript subscription) and
// takes secrets copied from it off the clipboard.
func (win *Window) Close() {
	win.stopReveal()
	if win.stopPresenter != nil {
		win.stopPresenter()
		win.stopPresenter = nil
	}
	win.Tokens.Close()
	if win.App != nil {
		closeSecretClipboard(win.App.Clipboard())
	}
	if win.unsubscribe != nil {
		win.unsubscribe()
		win.unsubscribe = nil
	}
}

// screenShortcuts are Ctrl+1..4 (Cmd on macOS) and Alt+1..4, one pair per screen.
func screenShortcuts(n int) [][]fyne.Shortcut {
	keys := []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9}
	out := make([][]fyne.Shortcut, 0, n)
	for i := 0; i < n && i < len(keys); i++ {
		out = append(out, []fyne.Shortcut{
			&desktop.CustomShortcut{KeyName: keys[i], Modifier: fyne.KeyModifierShortcutDefault},
			&desktop.CustomShortcut{KeyName: keys[i], Modifier: fyne.KeyModifierAlt},
		})
	}
	return out
}

func (win *Window) addShortcuts() {
	c := win.Win.Canvas()
	for i, pair := range screenShortcuts(len(win.Screens)) {
		for _, sc := range pair {
			c.AddShortcut(sc, func(fyne.Shortcut) { win.Show(i) })
		}
	}
	c.AddShortcut(helpShortcut, func(fyne.Shortcut) { win.ShowHelp() })
	c.AddShortcut(timelineShortcut, func(fyne.Shortcut) { win.ToggleTimeline() })
	c.AddShortcut(presenterShortcut, func(fyne.Shortcut) { win.TogglePresenterView() })
	// F1 has no modifier, which Fyne's desktop driver never turns into a shortcut: the
	// key reaches the focused widget, or the canvas when nothing has the focus.
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		switch {
		case ev.Name == fyne.KeyF1:
			win.ShowHelp()
		case ev.Name == fyne.KeyEscape && win.helpDialog != nil:
			win.helpDialog.Hide() // Fyne's dialogs do not close on Escape themselves
		default:
			if k := win.Screens[win.current].OnKey; k != nil {
				k(ev)
			}
		}
	})
	for i, s := range win.Screens {
		for _, a := range s.Actions {
			if a.Shortcut != nil {
				c.AddShortcut(a.Shortcut, func(fyne.Shortcut) { win.RunAction(i, a) })
			}
		}
	}
	for _, a := range win.fileActions {
		if a.Shortcut != nil {
			c.AddShortcut(a.Shortcut, func(fyne.Shortcut) { a.Run() })
		}
	}
}

// mainMenu lists the screens (Ctrl+1..4), every screen's actions and About. Fyne runs a
// main-menu shortcut before the focused widget sees the key, so these work while typing.
func (win *Window) mainMenu() *fyne.MainMenu {
	names := []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9}
	var goItems, actionItems []*fyne.MenuItem
	for i, s := range win.Screens {
		item := fyne.NewMenuItem(s.Title, func() { win.Show(i) })
		item.Icon = s.Icon
		if i < len(names) {
			item.Shortcut = &desktop.CustomShortcut{KeyName: names[i], Modifier: fyne.KeyModifierShortcutDefault}
		}
		goItems = append(goItems, item)
		if len(s.Actions) > 0 && len(actionItems) > 0 {
			actionItems = append(actionItems, fyne.NewMenuItemSeparator())
		}
		for _, a := range s.Actions {
			item := fyne.NewMenuItem(a.Label, func() { win.RunAction(i, a) })
			item.Shortcut = a.Shortcut
			actionItems = append(actionItems, item)
		}
	}
	help := fyne.NewMenuItem("Keyboard and how-to", win.ShowHelp)
	help.Shortcut = helpShortcut
	about := fyne.NewMenuItem("About PKCE Desk", win.ShowAbout)
	win.timelineMenu = fyne.NewMenuItem("HTTP timeline", win.ToggleTimeline)
	win.timelineMenu.Shortcut = timelineShortcut
	win.timelineMenu.Checked = !win.Timeline.Collapsed()
	var menus []*fyne.Menu
	if len(win.fileActions) > 0 {
		var fileItems []*fyne.MenuItem
		for _, a := range win.fileActions {
			item := fyne.NewMenuItem(a.Label, a.Run)
			item.Shortcut = a.Shortcut
			fileItems = append(fileItems, item)
		}
		menus = append(menus, fyne.NewMenu("File", fileItems...))
	}
	menus = append(menus, fyne.NewMenu("Go", goItems...))
	if len(actionItems) > 0 {
		menus = append(menus, fyne.NewMenu("Actions", actionItems...))
	}
	win.presenterMenu = fyne.NewMenuItem(msgPresenterView, win.TogglePresenterView)
	win.presenterMenu.Shortcut = presenterShortcut
	win.presenterMenu.Checked = win.PresenterView()
	menus = append(menus, fyne.NewMenu("View", win.timelineMenu, win.presenterMenu), fyne.NewMenu("Help", help, about))
	return fyne.NewMainMenu(menus...)
}

// RunAction shows screen i and runs one of its actions.
func (win *Window) RunAction(i int, a Action) {
	win.Show(i)
	if a.Run != nil {
		a.Run()
	}
}

// Version is the one shown in About: the option, else the packaged metadata, else "dev".
func (win *Window) Version() string {
	if win.versionOpt != "" {
		return win.versionOpt
	}
	if v := win.App.Metadata().Version; v != "" {
		return v
	}
	return "dev"
}

// ShowAbout opens the About dialog.
func (win *Window) ShowAbout() {
	icon := canvas.NewImageFromResource(assets.Icon)
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(72, 72))

	name := widget.NewLabelWithStyle("PKCE Desk", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	name.SizeName = theme.SizeNameSubHeadingText
	version := widget.NewLabelWithStyle(fmt.Sprintf("Version %s", win.Version()), fyne.TextAlignCenter, fyne.TextStyle{})
	version.Importance = widget.LowImportance
	blurb := widget.NewLabelWithStyle(
		"Create a PingOne native app, sign in with authorization code + PKCE (S256)\nand inspect the tokens. Secrets are never logged.",
		fyne.TextAlignCenter, fyne.TextStyle{})
	keys := widget.NewLabelWithStyle("Ctrl+1…6 switch screens · F1 shows the keyboard and a how-to", fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	keys.Importance = widget.LowImportance

	content := container.NewVBox(container.NewCenter(icon), name, version, blurb, keys)
	d := dialog.NewCustom("About PKCE Desk", "Close", container.New(layout.NewCustomPaddedLayout(8, 0, 16, 16), content), win.Win)
	win.aboutDialog = d
	d.Show()
}
