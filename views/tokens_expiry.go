package views

import (
	"encoding/json"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// tokensExpiry is the live "expires in" countdown of the shown token. It ticks once a
// second while a token with exp is on screen and the screen is visible, so an idle app has
// no goroutine ticking.
type tokensExpiry struct {
	countdown *widget.Label
	ui        *UI // where the ticks update the countdown
	now       func() time.Time
	newTicker func(time.Duration) (<-chan time.Time, func())

	at         time.Time // zero when the shown token has no usable exp
	visible    bool      // the screen is shown
	stopTicker func()
	onTick     func() // test hook, runs on the UI goroutine after each countdown update
}

func newTokensExpiry(ui *UI, now func() time.Time, newTicker func(time.Duration) (<-chan time.Time, func())) *tokensExpiry {
	return &tokensExpiry{countdown: widget.NewLabel(""), ui: ui, now: now, newTicker: newTicker, visible: true}
}

// set reads exp from the shown token (nil when none is decoded) and starts or stops the
// countdown.
func (e *tokensExpiry) set(d *token.Decoded) {
	e.at = time.Time{}
	if d != nil {
		if exp, ok := numericDate(d.Claims["exp"]); ok {
			e.at = exp
		}
	}
	e.update()
	e.start()
}

// show and hide follow the screen's visibility.
func (e *tokensExpiry) show() { e.visible = true; e.start() }
func (e *tokensExpiry) hide() { e.visible = false; e.stop() }

// update refreshes the "expires in" label from the clock.
func (e *tokensExpiry) update() {
	if e.at.IsZero() {
		e.countdown.SetText("")
		e.countdown.Hide()
		return
	}
	left := e.at.Sub(e.now())
	at := e.at.Local().Format("15:04:05")
	switch {
	case left <= 0:
		e.countdown.Importance = widget.DangerImportance
		e.countdown.SetText("Expired " + token.Humanize(left) + " ago (" + at + ")")
	case left < 2*time.Minute:
		e.countdown.Importance = widget.WarningImportance
		e.countdown.SetText("Expires in " + token.Humanize(left) + " (" + at + ")")
	default:
		e.countdown.Importance = widget.SuccessImportance
		e.countdown.SetText("Expires in " + token.Humanize(left) + " (" + at + ")")
	}
	e.countdown.Show()
}

// start runs the one-second ticker if there is something to count down on screen; it is
// stopped when the screen is hidden or the token changes.
func (e *tokensExpiry) start() {
	e.stop()
	if e.at.IsZero() || !e.visible {
		return
	}
	ticks, stop := e.newTicker(time.Second)
	quit := make(chan struct{})
	e.stopTicker = func() { close(quit); stop() }
	go func() {
		for {
			select {
			case <-quit:
				return
			case <-ticks:
				e.ui.Do(func() {
					select {
					case <-quit: // stopped while this tick was queued
						return
					default:
					}
					e.update()
					if e.onTick != nil {
						e.onTick()
					}
				})
			}
		}
	}()
}

func (e *tokensExpiry) stop() {
	if e.stopTicker != nil {
		e.stopTicker()
		e.stopTicker = nil
	}
}

// running reports whether the ticker goroutine is active (tests).
func (e *tokensExpiry) running() bool { return e.stopTicker != nil }

// numericDate reads a JWT NumericDate (RFC 7519 §2): seconds since the epoch, possibly
// fractional. Decode keeps numbers as json.Number.
func numericDate(v any) (time.Time, bool) {
	var secs float64
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		if err != nil {
			return time.Time{}, false
		}
		secs = f
	case float64:
		secs = n
	case int64:
		secs = float64(n)
	default:
		return time.Time{}, false
	}
	if secs <= 0 || secs > 1e11 { // beyond year 5000: not a real expiry
		return time.Time{}, false
	}
	whole := int64(secs)
	return time.Unix(whole, int64((secs-float64(whole))*1e9)), true
}
