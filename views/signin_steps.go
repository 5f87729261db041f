package views

import (
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/pingone"
)

func (s *SignInScreen) addNote(text, status string, imp widget.Importance) {
	if status == "" {
		status = "·"
	}
	s.steps = append(s.steps, signInStep{text: text, status: status, imp: imp, at: time.Now()})
	s.stepsChanged()
}

func (s *SignInScreen) stepsChanged() {
	s.stepList.Refresh()
	s.stepList.ScrollToBottom()
}

// A step row is an exchange row with a Copy as cURL button; non-HTTP steps (notes) use
// the URL cell for their text and the duration cell for their time.
func newStepRow() fyne.CanvasObject {
	curl := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), nil)
	curl.Importance = widget.LowImportance
	return newExchangeRow(curl)
}

func (s *SignInScreen) fillStepRow(o fyne.CanvasObject, st signInStep) {
	r, extra := exchangeRowOf(o)
	curl := extra[0].(*widget.Button)
	if st.ex == nil {
		r.status.Importance = st.imp
		r.status.SetText(st.status)
		r.method.Hide()
		r.step.SetText("")
		r.dur.SetText(st.at.Local().Format("15:04:05"))
		r.url.SetText(st.text)
		curl.Hide()
		return
	}
	ex := st.ex
	r.fill(*ex, stepPath(ex.URL))
	curl.Show()
	curl.OnTapped = func() { s.clipboardSet(ex.Curl()) }
}

// stripQuery keeps rows short; the query (already redacted) is in the step detail.
func stripQuery(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}

// stepPath is how a step's URL reads in a row: every step goes to the issuer's host, so
// the row shows the path, with the environment ID written {envID} as in PingOne's own
// docs. The full URL is in the step's detail.
func stepPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" {
		return stripQuery(shortURL(raw))
	}
	segs := strings.Split(u.Path, "/")
	for i, seg := range segs {
		if pingone.ValidateID(seg) == nil && (i == 1 || (i > 1 && segs[i-1] == "environments")) {
			segs[i] = "{envID}"
		}
	}
	return strings.Join(segs, "/")
}

func (s *SignInScreen) showStep(i int) {
	if i < 0 || i >= len(s.steps) {
		s.selected = -1
		s.stepSummary.SetText("Select an HTTP step to see its request and response")
		s.stepRequest.SetText("")
		s.stepReply.SetText("")
		s.stepCurl.Disable()
		return
	}
	s.selected = i
	st := s.steps[i]
	if st.ex == nil {
		s.stepSummary.SetText(st.text)
		s.stepRequest.SetText("")
		s.stepReply.SetText("")
		s.stepCurl.Disable()
		return
	}
	ex := *st.ex
	s.stepSummary.SetText(rowStatus(ex) + "  " + ex.Method + " " + stripQuery(shortURL(ex.URL)))
	s.stepRequest.SetText(requestText(ex))
	s.stepReply.SetText(responseText(ex))
	s.stepCurl.Enable()
	s.bottom.SelectIndex(1)
}

func (s *SignInScreen) copyCurl(i int) {
	if i >= 0 && i < len(s.steps) && s.steps[i].ex != nil {
		s.clipboardSet(s.steps[i].ex.Curl())
	}
}

// clipboardSet copies a step's cURL command: a secret copy (it may carry a redacted
// token's shape and the attempt's values), cleared again after SecretClipboardDelay.
func (s *SignInScreen) clipboardSet(text string) {
	s.sh.copySecret(text, s.clipNote)
}

// capitalise upper-cases the first letter of an event message for a row.
func capitalise(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
