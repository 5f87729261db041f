package views

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// timelineLimit bounds the rows kept on screen, matching the transcript's own bound so a
// long session cannot grow memory without limit.
const timelineLimit = pingone.DefaultTranscriptLimit

// Timeline is a live list of HTTP exchanges. Selecting a row shows its (already redacted)
// request and response; "Copy as cURL" copies the selected one.
//
// Every field of a pingone.Exchange is redacted when recorded, so the timeline shows it as is;
// it never sees the unredacted request.
type Timeline struct {
	widget.BaseWidget

	clipboard fyne.Clipboard
	ui        *UI // the window's, for the copies' clipboard expiry (nil is fyne.Do)
	limit     int
	entries   []pingone.Exchange
	selected  int // index into entries, -1 for none

	list     *widget.List
	toggle   *widget.Button // "HTTP timeline", with ▸ when collapsed and ▾ when open
	count    *widget.Label
	clear    *widget.Button
	copyCurl *widget.Button
	copyResp *widget.Button
	clipNote *widget.Label // "the clipboard clears in 60 s" after a copy
	summary  *widget.Label
	request  *widget.Label
	response *widget.Label
	empty    *widget.Label
	tabs     *container.AppTabs

	// collapsed leaves only the title line on screen; OnCollapse (optional) hears the
	// user toggle it, so the window can give the room back and remember the choice.
	collapsed  bool
	OnCollapse func(collapsed bool)

	panes fyne.CanvasObject // the list and the selected exchange, under the title line
	root  fyne.CanvasObject
}

// NewTimeline returns an empty timeline that copies to a's clipboard.
func NewTimeline(a fyne.App) *Timeline {
	t := &Timeline{clipboard: a.Clipboard(), limit: timelineLimit, selected: -1}
	t.ExtendBaseWidget(t)

	t.list = widget.NewList(
		func() int { return len(t.entries) },
		newTimelineRow,
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < 0 || id >= len(t.entries) {
				return
			}
			fillTimelineRow(o, t.entries[id])
		},
	)
	t.list.OnSelected = func(id widget.ListItemID) { t.show(id) }
	t.list.OnUnselected = func(widget.ListItemID) { t.show(-1) }

	t.count = widget.NewLabel("")
	t.count.Importance = widget.LowImportance
	t.clear = widget.NewButtonWithIcon("Clear", theme.DeleteIcon(), t.Clear)
	t.clear.Importance = widget.LowImportance
	t.copyCurl = widget.NewButtonWithIcon("Copy as cURL", theme.ContentCopyIcon(), t.copySelectedCurl)
	t.copyResp = widget.NewButtonWithIcon("Copy response", theme.ContentCopyIcon(), t.copySelectedResponse)
	t.clipNote = newClipboardNote()

	t.summary = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.summary.Truncation = fyne.TextTruncateEllipsis
	t.request = monoLabel()
	t.response = monoLabel()
	t.tabs = container.NewAppTabs(
		container.NewTabItem("Request", container.NewVScroll(t.request)),
		container.NewTabItem("Response", container.NewVScroll(t.response)),
	)
	t.empty = widget.NewLabel("No HTTP requests yet. Every call PKCE Desk makes to PingOne appears here, with secrets redacted.")
	t.empty.Wrapping = fyne.TextWrapWord
	t.empty.Importance = widget.LowImportance

	t.toggle = widget.NewButtonWithIcon("HTTP timeline", theme.MenuDropDownIcon(), func() {
		t.SetCollapsed(!t.collapsed)
		if t.OnCollapse != nil {
			t.OnCollapse(t.collapsed)
		}
	})
	t.toggle.Importance = widget.LowImportance
	t.toggle.Alignment = widget.ButtonAlignLeading
	bar := container.NewBorder(nil, nil, container.NewHBox(t.toggle, t.count), t.clear)
	listArea := container.NewStack(t.list, container.NewPadded(container.NewVBox(t.empty)))

	actions := container.NewHBox(t.clipNote, t.copyCurl, t.copyResp)
	detail := container.NewBorder(container.NewBorder(nil, nil, nil, actions, t.summary), nil, nil, nil, t.tabs)

	split := container.NewHSplit(listArea, detail)
	split.SetOffset(0.5)
	t.panes = split
	t.root = container.NewBorder(bar, nil, nil, nil, split)
	t.show(-1)
	t.updateCount()
	return t
}

// CreateRenderer implements fyne.Widget.
func (t *Timeline) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(t.root)
}

// Append adds ex as the newest row. Call it on the UI goroutine, e.g. from a
// pingone.Transcript subscription handed over through the window's UI (Window.Follow).
func (t *Timeline) Append(ex pingone.Exchange) {
	t.entries = append(t.entries, ex)
	if over := len(t.entries) - t.limit; over > 0 {
		t.entries = append([]pingone.Exchange(nil), t.entries[over:]...)
		t.list.UnselectAll()
		t.selected = -1
	}
	t.updateCount()
	t.list.Refresh()
	t.list.ScrollToBottom()
}

// Clear removes every row.
func (t *Timeline) Clear() {
	t.entries = nil
	t.list.UnselectAll()
	t.show(-1)
	t.updateCount()
	t.list.Refresh()
}

// SetCollapsed shows only the title line (true) or the whole timeline (false). It does
// not call OnCollapse: that is for the user's toggles.
func (t *Timeline) SetCollapsed(collapsed bool) {
	t.collapsed = collapsed
	if collapsed {
		t.panes.Hide()
		t.toggle.SetIcon(theme.MenuExpandIcon())
	} else {
		t.panes.Show()
		t.toggle.SetIcon(theme.MenuDropDownIcon())
	}
	t.Refresh()
}

// Collapsed reports whether only the title line is shown.
func (t *Timeline) Collapsed() bool { return t.collapsed }

// Len is the number of rows.
func (t *Timeline) Len() int { return len(t.entries) }

// Select shows row i (0 is the oldest).
func (t *Timeline) Select(i int) { t.list.Select(i) }

func (t *Timeline) updateCount() {
	switch n := len(t.entries); n {
	case 0:
		t.count.SetText("")
		t.empty.Show()
	case 1:
		t.count.SetText("1 request")
		t.empty.Hide()
	default:
		t.count.SetText(fmt.Sprintf("%d requests", n))
		t.empty.Hide()
	}
	if len(t.entries) == 0 {
		t.clear.Disable()
	} else {
		t.clear.Enable()
	}
}

// show fills the detail pane with row i, or an empty hint for -1.
func (t *Timeline) show(i int) {
	if i < 0 || i >= len(t.entries) {
		t.selected = -1
		t.summary.SetText("Select a request to see it in full")
		t.request.SetText("")
		t.response.SetText("")
		t.tabs.Hide()
		t.copyCurl.Disable()
		t.copyResp.Disable()
		return
	}
	t.selected = i
	ex := t.entries[i]
	t.summary.SetText(rowStatus(ex) + "  " + ex.Method + " " + shortURL(ex.URL))
	t.tabs.Show()
	t.request.SetText(requestText(ex))
	t.response.SetText(responseText(ex))
	t.copyCurl.Enable()
	if ex.ResponseBody != "" {
		t.copyResp.Enable()
	} else {
		t.copyResp.Disable()
	}
}

func (t *Timeline) copySelectedCurl() {
	if t.selected < 0 {
		return
	}
	secretClipboardFor(t.clipboard).Copy(t.ui, t.entries[t.selected].Curl(), t.clipNote)
}

func (t *Timeline) copySelectedResponse() {
	if t.selected < 0 {
		return
	}
	// A response body can carry tokens or user data (redacted, but still the user's).
	secretClipboardFor(t.clipboard).Copy(t.ui, t.entries[t.selected].ResponseBody, t.clipNote)
}

// exchangeRow is one line of an HTTP list: status (coloured), method, URL (truncated),
// step name and duration, plus any extra objects (buttons) at the end. The timeline and
// the sign-in screen's steps share it.
type exchangeRow struct {
	status, method, url, step, dur *widget.Label
}

func newExchangeRow(extra ...fyne.CanvasObject) fyne.CanvasObject {
	step := widget.NewLabel("authorize")
	step.Importance = widget.LowImportance
	method := widget.NewLabelWithStyle("DELETE", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	status := widget.NewLabelWithStyle("000", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	url := widget.NewLabel("")
	url.Truncation = fyne.TextTruncateEllipsis
	dur := widget.NewLabelWithStyle("0 ms", fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
	dur.Importance = widget.LowImportance
	right := container.NewHBox(append([]fyne.CanvasObject{step, dur}, extra...)...)
	return container.NewBorder(nil, nil, container.NewHBox(status, method), right, url)
}

// exchangeRowOf finds the labels of a row made by newExchangeRow; extra are its extra
// objects, in order.
func exchangeRowOf(o fyne.CanvasObject) (r exchangeRow, extra []fyne.CanvasObject) {
	c := o.(*fyne.Container)
	left := c.Objects[1].(*fyne.Container)
	right := c.Objects[2].(*fyne.Container)
	r = exchangeRow{
		url:    c.Objects[0].(*widget.Label),
		status: left.Objects[0].(*widget.Label),
		method: left.Objects[1].(*widget.Label),
		step:   right.Objects[0].(*widget.Label),
		dur:    right.Objects[1].(*widget.Label),
	}
	return r, right.Objects[2:]
}

// fill shows ex, with its URL written as url.
func (r exchangeRow) fill(ex pingone.Exchange, url string) {
	r.status.Importance = statusImportance(ex)
	r.status.SetText(rowStatus(ex))
	r.method.Show()
	r.method.SetText(fmt.Sprintf("%-6s", ex.Method))
	r.url.SetText(url)
	r.step.SetText(ex.Step)
	r.dur.SetText(formatDuration(ex.Duration))
}

func newTimelineRow() fyne.CanvasObject { return newExchangeRow() }

func fillTimelineRow(o fyne.CanvasObject, ex pingone.Exchange) {
	r, _ := exchangeRowOf(o)
	r.fill(ex, shortURL(ex.URL))
}

// rowStatus is the HTTP status, or "ERR" when no response arrived.
func rowStatus(ex pingone.Exchange) string {
	if ex.Status == 0 {
		return "ERR"
	}
	return fmt.Sprintf("%3d", ex.Status)
}

func statusImportance(ex pingone.Exchange) widget.Importance {
	switch {
	case ex.Status == 0 || ex.Status >= 500:
		return widget.DangerImportance
	case ex.Status >= 400:
		return widget.WarningImportance
	case ex.Status >= 300:
		return widget.HighImportance
	default:
		return widget.SuccessImportance
	}
}

// shortURL drops the scheme: every PingOne call is https, and the row has little room.
func shortURL(u string) string {
	if s, ok := strings.CutPrefix(u, "https://"); ok {
		return s
	}
	return u
}

func formatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	default:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
}

func requestText(ex pingone.Exchange) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", ex.Method, ex.URL)
	meta := []string{}
	if ex.Step != "" {
		meta = append(meta, "step: "+ex.Step)
	}
	if !ex.Started.IsZero() {
		meta = append(meta, "started "+ex.Started.Local().Format("15:04:05.000"))
	}
	if len(meta) > 0 {
		b.WriteString("# " + strings.Join(meta, " · ") + "\n")
	}
	writeHeaders(&b, ex.RequestHeader)
	if ex.RequestBody != "" {
		b.WriteString("\n")
		b.WriteString(prettyBody(shownBody(ex.RequestBody)))
		b.WriteString("\n")
	}
	return b.String()
}

func responseText(ex pingone.Exchange) string {
	var b strings.Builder
	if ex.Status == 0 {
		reason := ex.Err
		if reason == "" {
			reason = "no response"
		}
		fmt.Fprintf(&b, "No response: %s (after %s)\n", reason, formatDuration(ex.Duration))
		return b.String()
	}
	fmt.Fprintf(&b, "HTTP %d  ·  %s\n", ex.Status, formatDuration(ex.Duration))
	writeHeaders(&b, ex.ResponseHeader)
	if ex.ResponseBody != "" {
		b.WriteString("\n")
		b.WriteString(prettyBody(shownBody(ex.ResponseBody)))
		b.WriteString("\n")
	}
	return b.String()
}

// writeHeaders prints headers sorted by name so two exchanges can be compared by eye.
func writeHeaders(b *strings.Builder, h map[string][]string) {
	names := make([]string, 0, len(h))
	for n := range h {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, v := range h[n] {
			fmt.Fprintf(b, "%s: %s\n", n, v)
		}
	}
}

// prettyBody indents JSON bodies (PingOne answers in compact JSON) and leaves anything else
// as recorded.
func prettyBody(body string) string {
	trimmed := strings.TrimSpace(body)
	if !strings.HasPrefix(trimmed, "{") && !strings.HasPrefix(trimmed, "[") {
		return body
	}
	var out bytes.Buffer
	if err := json.Indent(&out, []byte(trimmed), "", "  "); err != nil {
		return body
	}
	return out.String()
}

// monoLabel is a selectable, wrapping monospace label for code-like text.
func monoLabel() *widget.Label {
	l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	l.Wrapping = fyne.TextWrapBreak
	l.Selectable = true
	return l
}
