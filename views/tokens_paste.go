package views

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// newTokensPasteBox is the paste box of "Paste a JWT". onChanged gets every edit;
// onRefused gets a paste too large for the decoder, which the box did not take.
func newTokensPasteBox(onChanged, onRefused func(string)) *pasteEntry {
	e := newPasteEntry(token.MaxTokenSize, onRefused)
	e.SetPlaceHolder("Paste a JWT (header.payload.signature) — it is decoded on this computer and not sent anywhere")
	e.SetMinRowsVisible(3)
	e.OnChanged = onChanged
	// Presenter view draws the pasted token as dots, as a password field does; the text
	// is still decoded and copied as it is.
	p := currentPresenter()
	e.presenterView(p.On())
	p.Subscribe(e.presenterView)
	return e
}

// presenterView masks the pasted text (on) or shows it.
func (e *pasteEntry) presenterView(on bool) {
	if e.Password == on {
		return
	}
	e.Password = on
	e.Wrapping = fyne.TextWrapBreak
	if on {
		e.Wrapping = fyne.TextWrapOff // a password entry draws its dots on one line
	}
	e.Refresh()
}

// Paste puts raw into the paste box and shows it, as if the user had pasted it.
func (s *TokensScreen) Paste(raw string) {
	s.SelectSource(SourcePasted)
	if len(raw) > s.paste.maxLen {
		s.pasteRefused(raw)
		return
	}
	s.paste.SetText(raw) // OnChanged decodes it
}

// pasteRefused shows the decoder's "too large" message for text the paste box did not take.
func (s *TokensScreen) pasteRefused(raw string) {
	if s.verifyTask != nil {
		s.verifyTask.Cancel()
		s.verifyTask = nil
	}
	_, err := token.Decode(raw) // refuses on length alone, before reading anything
	s.views[SourcePasted] = tokenView{decodeErr: err}
	s.paste.SetText("")
	s.views[SourcePasted] = tokenView{decodeErr: err} // SetText("") reset it
	s.render()
}

func (s *TokensScreen) pasteChanged(text string) {
	// A new paste invalidates any verification of the previous one.
	if s.verifyTask != nil {
		s.verifyTask.Cancel()
		s.verifyTask = nil
	}
	v := decodeView(text, nil)
	s.views[SourcePasted] = v
	if s.source == SourcePasted {
		s.render()
	}
}

// pasteEntry is the paste box. It refuses clipboard pastes over maxLen before they reach
// the entry: laying out (shaping and wrapping) tens of kilobytes would freeze the window,
// and the decoder would refuse such a token anyway.
type pasteEntry struct {
	widget.Entry
	maxLen    int
	onRefused func(string)
}

func newPasteEntry(maxLen int, onRefused func(string)) *pasteEntry {
	e := &pasteEntry{maxLen: maxLen, onRefused: onRefused}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapBreak
	e.ExtendBaseWidget(e)
	return e
}

// TypedShortcut checks the size of a paste before the entry takes it.
func (e *pasteEntry) TypedShortcut(sc fyne.Shortcut) {
	if p, ok := sc.(*fyne.ShortcutPaste); ok && p.Clipboard != nil {
		if text := p.Clipboard.Content(); len(text) > e.maxLen {
			e.onRefused(text)
			return
		}
	}
	e.Entry.TypedShortcut(sc)
}
