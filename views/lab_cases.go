package views

import (
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/pingone/lab"
)

// labCases is the case picker: one box a case, all ticked at first, behind a folding
// header that says how many are picked, so the table keeps its room.
type labCases struct {
	object fyne.CanvasObject
	all    *widget.Check
	checks []*widget.Check
	item   *widget.AccordionItem
	acc    *widget.Accordion
	busy   bool // setting the boxes from "All"
}

func newLabCases() *labCases {
	p := &labCases{}
	box := container.NewVBox()
	p.all = widget.NewCheck("All cases", func(on bool) {
		if p.busy {
			return
		}
		p.busy = true
		for _, c := range p.checks {
			c.SetChecked(on)
		}
		p.busy = false
		p.changed()
	})
	box.Add(p.all)
	p.busy = true // no callbacks until the panel is whole
	for _, c := range lab.Cases() {
		side := "PingOne must refuse"
		if c.Side == lab.Client {
			side = "PKCE Desk must refuse"
		}
		ch := widget.NewCheck(strconv.Itoa(c.Number)+" · "+c.Name, func(bool) {
			if !p.busy {
				p.changed()
			}
		})
		ch.SetChecked(true)
		p.checks = append(p.checks, ch)
		hint := widget.NewLabel(side)
		hint.Importance = widget.LowImportance
		box.Add(container.NewBorder(nil, nil, nil, hint, ch))
	}
	p.all.SetChecked(true)
	p.item = widget.NewAccordionItem("", box)
	p.acc = widget.NewAccordion(p.item)
	p.object = p.acc
	p.busy = false
	p.changed()
	return p
}

// changed keeps "All" and the header in step with the boxes.
func (p *labCases) changed() {
	n := len(p.picked())
	p.busy = true
	p.all.SetChecked(n == len(p.checks))
	p.busy = false
	p.item.Title = fmt.Sprintf("Cases to run: %d of %d", n, len(p.checks))
	if p.acc != nil {
		p.acc.Refresh()
	}
}

// picked lists the ticked case numbers in order.
func (p *labCases) picked() []int {
	var out []int
	for i, c := range p.checks {
		if c.Checked {
			out = append(out, i+1)
		}
	}
	return out
}

// pickAll ticks every case.
func (p *labCases) pickAll() { p.all.SetChecked(true) }

// setEnabled locks the boxes while a run is on.
func (p *labCases) setEnabled(on bool) {
	for _, c := range append([]*widget.Check{p.all}, p.checks...) {
		if on {
			c.Enable()
		} else {
			c.Disable()
		}
	}
}
