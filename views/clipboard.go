package views

import (
	"fmt"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// SecretClipboardDelay is how long a copied secret (a token, a password, a cURL command)
// stays on the clipboard before PKCE Desk takes it off again.
const SecretClipboardDelay = 60 * time.Second

// secretClipboard copies secrets to the app's clipboard and clears them after a delay,
// but only if the clipboard still holds what was copied: whatever the user copied since
// is left alone. Every copy of a secret goes through it; non-secret values (client IDs,
// environment IDs) are copied directly. There is one per clipboard (secretClipboardFor),
// so every screen shares it and Close clears what is still pending when the window goes.
//
// Copy, expire and Close run on the UI goroutine; the timers wait on their own
// goroutines and hand back through the copying window's UI.
type secretClipboard struct {
	cb fyne.Clipboard

	mu      sync.Mutex
	delay   time.Duration
	timer   func(time.Duration) (<-chan time.Time, func()) // injectable for tests
	pending map[uint64]*pendingSecret
	next    uint64
	notes   map[*widget.Label]uint64 // the copy each note currently speaks for
	stop    chan struct{}
	closed  bool

	expired func() // tests only: runs on the UI goroutine after a copy expired
}

type pendingSecret struct {
	text string
	note *widget.Label
	stop func()
}

var (
	secretClipboardsMu sync.Mutex
	secretClipboards   = map[fyne.Clipboard]*secretClipboard{}
)

// secretClipboardFor returns the secret clipboard over cb, creating it on first use. A
// nil cb (no app) gives a clipboard that copies nothing.
func secretClipboardFor(cb fyne.Clipboard) *secretClipboard {
	if cb == nil {
		return newSecretClipboard(nil)
	}
	secretClipboardsMu.Lock()
	defer secretClipboardsMu.Unlock()
	c, ok := secretClipboards[cb]
	if !ok || c.isClosed() {
		c = newSecretClipboard(cb)
		secretClipboards[cb] = c
	}
	return c
}

// closeSecretClipboard closes the secret clipboard over cb, if one was used.
func closeSecretClipboard(cb fyne.Clipboard) {
	if cb == nil {
		return
	}
	secretClipboardsMu.Lock()
	c := secretClipboards[cb]
	secretClipboardsMu.Unlock()
	c.Close()
}

func newSecretClipboard(cb fyne.Clipboard) *secretClipboard {
	return &secretClipboard{
		cb:      cb,
		delay:   SecretClipboardDelay,
		timer:   realTimer,
		pending: map[uint64]*pendingSecret{},
		notes:   map[*widget.Label]uint64{},
		stop:    make(chan struct{}),
	}
}

func realTimer(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTimer(d)
	return t.C, func() { t.Stop() }
}

// newClipboardNote is the small line beside a secret's copy button that says when the
// clipboard will be cleared. It starts hidden.
func newClipboardNote() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.LowImportance
	l.TextStyle = fyne.TextStyle{Italic: true}
	l.Hide()
	return l
}

func (c *secretClipboard) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// Copy puts a secret on the clipboard and schedules its removal after the delay, which
// runs through ui (the copying window's; nil is fyne.Do). note (optional) shows that
// beside the button until then. A second copy of the same text restarts the wait.
func (c *secretClipboard) Copy(ui *UI, text string, note *widget.Label) {
	if c == nil || c.cb == nil || text == "" {
		return
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.cb.SetContent(text)
	for id, p := range c.pending {
		if p.text == text { // superseded by this copy
			p.stop()
			delete(c.pending, id)
		}
	}
	c.next++
	id := c.next
	fire, stopTimer := c.timer(c.delay)
	c.pending[id] = &pendingSecret{text: text, note: note, stop: stopTimer}
	if note != nil {
		c.notes[note] = id
	}
	delay, stop := c.delay, c.stop
	c.mu.Unlock()
	if note != nil {
		// In presenter view the screen hides the value; the note says the real one was copied.
		setShown(note, presenterOfClipboard(c.cb).copiedNote(fmt.Sprintf("Copied · the clipboard clears in %s", clipboardDelayText(delay))))
	}
	go func() {
		select {
		case <-fire:
			ui.Do(func() { c.expire(id) })
		case <-stop:
		}
	}()
}

// expire takes copy id off the clipboard if it is still there.
func (c *secretClipboard) expire(id uint64) {
	c.mu.Lock()
	p, ok := c.pending[id]
	if !ok { // superseded or closed meanwhile
		c.mu.Unlock()
		return
	}
	delete(c.pending, id)
	speaks := p.note != nil && c.notes[p.note] == id
	if speaks {
		delete(c.notes, p.note)
	}
	hook := c.expired
	c.mu.Unlock()
	if c.cb.Content() == p.text {
		c.cb.SetContent("")
	}
	if speaks {
		setShown(p.note, "")
	}
	if hook != nil {
		hook()
	}
}

// Close stops the timers and clears, right away, every secret still on the clipboard
// (the window is closing: nothing copied from it should outlive it).
func (c *secretClipboard) Close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	close(c.stop)
	pending := c.pending
	c.pending = map[uint64]*pendingSecret{}
	c.mu.Unlock()
	if c.cb == nil {
		return
	}
	current := c.cb.Content()
	for _, p := range pending {
		p.stop()
		if p.text == current {
			c.cb.SetContent("")
			current = ""
		}
		if p.note != nil {
			setShown(p.note, "")
		}
	}
	secretClipboardsMu.Lock()
	if secretClipboards[c.cb] == c {
		delete(secretClipboards, c.cb)
	}
	secretClipboardsMu.Unlock()
}

// clipboardDelayText says a delay the short way: "60 s", "2 min".
func clipboardDelayText(d time.Duration) string {
	if d >= 2*time.Minute && d%time.Minute == 0 {
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	return fmt.Sprintf("%d s", int(d.Round(time.Second)/time.Second))
}
