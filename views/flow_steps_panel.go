package views

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
)

// stepThroughShortcut is Ctrl+Shift+S: pause before each request, or not.
var stepThroughShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}

// flowPanel is the live diagram with step-through: the "Pause before each request" switch,
// Next (the button, Space on it, or →), the request about to be sent and, while the token
// request is held, how long the authorization code has been waiting.
type flowPanel struct {
	desk    *app.Desk
	ui      *UI
	diagram *flowDiagram
	pause   *widget.Check
	next    *nextButton
	held    *widget.Label
	codeAge *widget.Label
	object  fyne.CanvasObject

	flow   app.Flow
	ticker *time.Ticker
	stop   chan struct{}
}

// newFlowPanel builds the panel; below (optional) scrolls under the diagram's rows.
func newFlowPanel(desk *app.Desk, sh *Shell, below ...fyne.CanvasObject) *flowPanel {
	p := &flowPanel{desk: desk, ui: sh.ui(), diagram: newFlowDiagram(sh.Win, below...), held: wrappedLabel(), codeAge: wrappedLabel()}
	p.pause = widget.NewCheck("Pause before each request (Ctrl+Shift+S)", func(on bool) { desk.SetStepThrough(on) })
	p.pause.SetChecked(desk.StepThrough())
	p.next = newNextButton(func() { desk.Next() })
	p.next.Disable()
	p.held.Hide()
	p.codeAge.Hide()
	p.codeAge.Importance = widget.WarningImportance
	empty := widget.NewLabel("No sign-in yet. Run the demo, or sign in on the Sign in screen: each request appears here as it happens.")
	empty.Wrapping = fyne.TextWrapWord
	empty.Importance = widget.LowImportance
	p.diagram.rows.Add(empty)
	controls := container.NewBorder(nil, nil, p.pause, p.next)
	p.object = container.NewBorder(container.NewVBox(controls, p.held, p.codeAge), nil, nil, nil, p.diagram.object)
	return p
}

// show renders f; on the UI goroutine.
func (p *flowPanel) show(f app.Flow) {
	if len(p.diagram.rows.Objects) > 0 {
		if _, ok := p.diagram.rows.Objects[0].(*flowRow); !ok {
			p.diagram.rows.Objects = nil // the "no sign-in yet" line
		}
	}
	p.flow = f
	p.diagram.set(f)
	st, held := f.Held()
	if !held {
		p.next.Disable()
		p.held.Hide()
		p.codeAge.Hide()
		p.stopTicker()
		return
	}
	p.next.Enable()
	p.held.SetText("Paused. About to send: " + st.Label + ". Press Next, Space or → to send it.")
	p.held.Show()
	if st.Name == "token" && !f.CodeAt.IsZero() {
		p.tickCodeAge()
	} else {
		p.codeAge.Hide()
		p.stopTicker()
	}
}

// codeAgeText says how long the code has waited and what happens when it expires.
func codeAgeText(f app.Flow, now time.Time) string {
	age := secs(now.Sub(f.CodeAt))
	expired := "If it expires, PingOne answers invalid_grant and the sign-in has to start again: a code is single-use and short-lived."
	if f.CodeLifetime > 0 {
		if now.Sub(f.CodeAt) >= f.CodeLifetime {
			return "The authorization code has waited " + age + ": longer than the sandbox's " + secs(f.CodeLifetime) + ", so it has expired. " + expired
		}
		return "The authorization code has waited " + age + " of the sandbox's " + secs(f.CodeLifetime) + ". " + expired
	}
	return "The authorization code has waited " + age + "; PingOne's codes are short-lived. " + expired
}

// secs renders a duration in whole seconds: "12 s".
func secs(d time.Duration) string { return strconv.Itoa(int(d.Round(time.Second)/time.Second)) + " s" }

func (p *flowPanel) tickCodeAge() {
	p.codeAge.SetText(codeAgeText(p.flow, time.Now()))
	p.codeAge.Show()
	if p.ticker != nil {
		return
	}
	p.ticker, p.stop = time.NewTicker(time.Second), make(chan struct{})
	tick, stop := p.ticker.C, p.stop
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-tick:
				p.ui.Do(func() {
					if _, held := p.flow.Held(); held && p.ticker != nil {
						p.codeAge.SetText(codeAgeText(p.flow, time.Now()))
					}
				})
			}
		}
	}()
}

func (p *flowPanel) stopTicker() {
	if p.ticker != nil {
		p.ticker.Stop()
		close(p.stop)
		p.ticker, p.stop = nil, nil
	}
}

// togglePause flips step-through (Ctrl+Shift+S).
func (p *flowPanel) togglePause() { p.pause.SetChecked(!p.pause.Checked) }

// heldText is the held line, for tests.
func (p *flowPanel) heldText() string {
	if !p.held.Visible() {
		return ""
	}
	return strings.TrimSpace(p.held.Text)
}

// typedKey is Space or → typed while nothing has the focus: Next, when a request waits.
func (p *flowPanel) typedKey(ev *fyne.KeyEvent) bool {
	if (ev.Name != fyne.KeySpace && ev.Name != fyne.KeyRight) || p.next.Disabled() {
		return false
	}
	p.next.OnTapped()
	return true
}

// nextButton is Next: Space and Enter press it as any button, → too.
type nextButton struct{ widget.Button }

func newNextButton(tapped func()) *nextButton {
	b := &nextButton{}
	b.Text, b.Icon, b.OnTapped = "Next", theme.MediaSkipNextIcon(), tapped
	b.Importance = widget.HighImportance
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey adds → to the button's keys.
func (b *nextButton) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyRight && !b.Disabled() && b.OnTapped != nil {
		b.OnTapped()
		return
	}
	b.Button.TypedKey(ev)
}
