package views

import "fyne.io/fyne/v2"

// copyPlain puts a value that is not a secret (a client ID, an address, a JSON body) on
// the clipboard as it is. Secrets go through secretClipboardFor, which takes them off
// again. A nil clipboard (no app) copies nothing.
func copyPlain(cb fyne.Clipboard, text string) {
	if cb != nil {
		cb.SetContent(text)
	}
}
