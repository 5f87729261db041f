package views

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Stage says what kind of PingOne environment a connection points at. It drives the colour
// tag in the header: a demo against production should never be an accident.
type Stage int

const (
	// StageNone means no connection is active yet.
	StageNone Stage = iota
	// StageSandbox is the built-in offline emulator: nothing leaves the machine.
	StageSandbox
	// StageTest is a real PingOne environment the user marked as test/development.
	StageTest
	// StageProduction is a real PingOne environment holding real users.
	StageProduction
)

// String is the tag text shown in the header.
func (s Stage) String() string {
	switch s {
	case StageSandbox:
		return "SANDBOX"
	case StageTest:
		return "TEST"
	case StageProduction:
		return "PRODUCTION"
	default:
		return "NOT CONNECTED"
	}
}

// ConnectionInfo is what the header shows about the active connection. It is a view-model:
// app/ fills it from its profile, views never read secrets from it because it has none.
type ConnectionInfo struct {
	Name          string // profile name chosen by the user
	Region        string // e.g. "NA", "EU"; ignored for the sandbox
	EnvironmentID string
	Stage         Stage
}

// location is the "Sandbox" / "Region NA" part of the header line.
func (c ConnectionInfo) location() string {
	if c.Stage == StageSandbox {
		return "Sandbox"
	}
	if c.Region == "" {
		return "Region not set"
	}
	return "Region " + c.Region
}

// Header is the always-visible strip that names the active connection.
type Header struct {
	tag        *canvas.Rectangle
	tagText    *canvas.Text
	name       *widget.Label
	detail     *widget.Label
	prodStripe *canvas.Rectangle // a red line under the header, only for production
	prodWarn   *canvas.Text      // a large red "PRODUCTION", only in presenter view
	presenter  bool

	info   ConnectionInfo
	Object fyne.CanvasObject
}

// NewHeader builds the header; extra objects (buttons) are placed on its right.
func NewHeader(extra ...fyne.CanvasObject) *Header {
	h := &Header{
		tag:        canvas.NewRectangle(color.Transparent),
		tagText:    canvas.NewText("", color.White),
		name:       widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		detail:     widget.NewLabel(""),
		prodStripe: canvas.NewRectangle(color.Transparent),
		prodWarn:   canvas.NewText(StageProduction.String(), stageColor(StageProduction)),
	}
	h.prodWarn.TextStyle = fyne.TextStyle{Bold: true}
	h.prodWarn.Hide()
	h.tag.CornerRadius = theme.InputRadiusSize() + 2
	h.tagText.TextStyle = fyne.TextStyle{Bold: true}
	h.tagText.TextSize = theme.CaptionTextSize() + 1
	h.tagText.Alignment = fyne.TextAlignCenter
	h.detail.Importance = widget.LowImportance
	h.detail.Truncation = fyne.TextTruncateEllipsis
	h.prodStripe.SetMinSize(fyne.NewSize(0, 3))

	chip := container.NewStack(h.tag, container.New(layout.NewCustomPaddedLayout(2, 2, 10, 10), h.tagText))
	left := container.NewHBox(container.NewCenter(chip), h.name, container.NewCenter(h.prodWarn))
	right := container.NewHBox(extra...)
	row := container.NewBorder(nil, nil, left, right, h.detail)
	h.Object = container.NewVBox(
		container.New(layout.NewCustomPaddedLayout(4, 4, 8, 4), row),
		h.prodStripe,
	)
	h.Set(ConnectionInfo{})
	return h
}

// Set shows c. Call it on the UI goroutine (from elsewhere, hand it over through the window's UI).
func (h *Header) Set(c ConnectionInfo) {
	h.info = c
	h.tagText.Text = c.Stage.String()
	h.tag.FillColor = stageColor(c.Stage)
	h.tag.Refresh()
	h.tagText.Refresh()

	name := strings.TrimSpace(c.Name)
	if name == "" {
		if c.Stage == StageNone {
			name = "No connection"
		} else {
			name = "Unnamed connection"
		}
	}
	h.name.SetText(name)

	switch {
	case c.Stage == StageNone:
		h.detail.SetText("Add or choose a connection on the Connections screen")
	case c.EnvironmentID == "":
		h.detail.SetText(c.location())
	default:
		h.detail.SetText(c.location() + "  ·  Environment " + c.EnvironmentID)
	}

	if c.Stage == StageProduction {
		h.prodStripe.FillColor = stageColor(StageProduction)
	} else {
		h.prodStripe.FillColor = color.Transparent
	}
	h.prodStripe.Refresh()
	h.renderPresenter()
}

// SetPresenter shows the header as presenter view wants it (on) or as usual: in
// presenter view the connection's tag is large, and a production connection says
// PRODUCTION in large red letters beside its name.
func (h *Header) SetPresenter(on bool) {
	h.presenter = on
	h.renderPresenter()
}

// FollowPresenter keeps the header true to p until stop.
func (h *Header) FollowPresenter(p *Presenter) (stop func()) {
	h.SetPresenter(p.On())
	return p.Subscribe(h.SetPresenter)
}

func (h *Header) renderPresenter() {
	size := theme.CaptionTextSize() + 1
	if h.presenter {
		size = theme.Size(theme.SizeNameSubHeadingText) * presenterTextScale
	}
	h.tagText.TextSize = size
	h.tagText.Refresh()
	if h.presenter && h.info.Stage == StageProduction {
		h.prodWarn.TextSize = theme.Size(theme.SizeNameHeadingText) * presenterTextScale
		h.prodWarn.Show()
	} else {
		h.prodWarn.Hide()
	}
	h.prodWarn.Refresh()
}

// Connection returns what the header currently shows.
func (h *Header) Connection() ConnectionInfo { return h.info }

// stageColor picks fixed, saturated colours that keep white text readable in both light
// and dark themes (the theme's own success/warning colours are too pale for that).
func stageColor(s Stage) color.Color {
	switch s {
	case StageSandbox:
		return color.NRGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff} // green: nothing real at stake
	case StageTest:
		return color.NRGBA{R: 0xb2, G: 0x6a, B: 0x00, A: 0xff} // amber
	case StageProduction:
		return color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff} // red
	default:
		return color.NRGBA{R: 0x75, G: 0x75, B: 0x75, A: 0xff} // grey
	}
}
