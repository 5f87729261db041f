package views

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
)

// flowDifferences is what separates the two modes in security terms (RFC 8252 §8.12,
// RFC 9700 §2.4).
var flowDifferences = []string{
	"Who sees the password: in the browser only PingOne's page does; in-app the desk reads it and posts it to PingOne's flow API.",
	"Where the session cookie lives: in the browser's cookie jar (single sign-on for other apps), or in the desk's own jar for this attempt only.",
	"What the browser protects: it shows PingOne's real address and certificate and runs the sign-on policy (MFA, passkeys); in-app the desk has to be trusted with all of that.",
	"How the code comes back: a redirect to the loopback port, which any local program could try to catch (hence PKCE and state), or in the JSON of the flow's resume call.",
	"Both redeem the code the same way: code_verifier and client_id in the token request's body, no client secret.",
}

// showFlowCompare opens the two sign-ins' diagrams side by side with what differs.
func showFlowCompare(parent fyne.Window, browser, inApp app.Flow) dialog.Dialog {
	left, right := newFlowDiagramOf(parent, browser), newFlowDiagramOf(parent, inApp)
	cols := container.NewGridWithColumns(2,
		container.NewBorder(sectionTitle("In the browser"), nil, nil, nil, left),
		container.NewBorder(sectionTitle("In-app (pi.flow)"), nil, nil, nil, right))
	list := container.NewVBox(sectionTitle("What differs"))
	for _, d := range flowDifferences {
		l := widget.NewLabel("• " + d)
		l.Wrapping = fyne.TextWrapWord
		list.Add(l)
	}
	// The diagrams above, what differs below; the divider moves, and each part scrolls, so
	// both stay readable in presenter view's large type.
	split := container.NewVSplit(cols, container.NewVScroll(list))
	split.Offset = 0.6
	d := dialog.NewCustom("Browser and in-app sign-in, side by side", "Close", split, parent)
	size := parent.Canvas().Size()
	d.Resize(fyne.NewSize(size.Width*0.95, size.Height*0.92))
	closeOnEscape(parent, d)
	d.Show()
	return d
}

// closeOnEscape lets Escape close d while it is open (Fyne's dialogs do not): the window's
// typed-key handler is wrapped until d closes.
func closeOnEscape(parent fyne.Window, d dialog.Dialog) {
	c := parent.Canvas()
	before := c.OnTypedKey()
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			d.Hide()
			return
		}
		if before != nil {
			before(ev)
		}
	})
	d.SetOnClosed(func() { c.SetOnTypedKey(before) })
}
