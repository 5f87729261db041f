package views

import (
	"context"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app/snippets"
	"github.com/pkcedesk/pkcedesk/pingone"
)

// snippetSource finds what an application's snippets need beside the application itself:
// the environment's issuer and the scopes a sign-in asks for. It runs off the UI goroutine.
type snippetSource func(ctx context.Context, a *pingone.Application) (snippets.Input, error)

// appsSnippets shows code that signs in to one application, in a language picked from a
// list, with its install line and a Copy button. It sits collapsed in an accordion
// ("Code for this app") below the create result and the selected application's details.
type appsSnippets struct {
	object    fyne.CanvasObject
	accordion *widget.Accordion

	copyText func(string)
	source   snippetSource
	ui       func() *UI

	app      *pingone.Application // the application shown; nil while none
	list     []snippets.Snippet
	task     *Task // the last load; tests wait on it
	hint     *widget.Label
	problem  *explainedError
	language *widget.Select
	title    *widget.Label
	install  *widget.Label
	code     *widget.Label
	copyCode *widget.Button
	body     *fyne.Container
}

// newAppsSnippets builds the panel; copyText copies the code (not a secret: a public
// client's snippets hold its client ID, issuer and redirect URI only). It shows nothing
// until bind gives it a source and show an application.
func newAppsSnippets(copyText func(string)) *appsSnippets {
	p := &appsSnippets{copyText: copyText}
	p.hint = wrapped(widget.NewLabel(""))
	p.hint.Importance = widget.LowImportance
	p.problem = newExplainedError()
	p.language = widget.NewSelect(nil, func(string) { p.showSelected() })
	p.title = wrapped(widget.NewLabel(""))
	p.install = monoLabel()
	p.code = monoLabel()
	p.code.Wrapping = fyne.TextWrapOff // code keeps its lines; the pane scrolls instead
	p.copyCode = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		if s, ok := p.selected(); ok {
			p.copyText(s.Code)
		}
	})
	codeScroll := container.NewScroll(p.code)
	codeScroll.SetMinSize(fyne.NewSize(0, 220)) // room for a screenful at 1024x700, no width demand
	p.body = container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel("Language"), p.copyCode, p.language),
		p.title,
		wrapped(widget.NewLabelWithStyle("Install", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})),
		p.install,
		codeScroll,
	)
	p.body.Hide()
	p.accordion = widget.NewAccordion(widget.NewAccordionItem("Code for this app", container.NewVBox(p.hint, p.problem.object, p.body)))
	p.object = p.accordion
	p.show(nil)
	return p
}

// differs reports whether a is another application than the one shown, or has another
// client ID or first redirect URI, so that its snippets must be made again.
func (p *appsSnippets) differs(a *pingone.Application) bool {
	if p.app == nil || a == nil {
		return p.app != a
	}
	return p.app.ID != a.ID || p.app.ClientID != a.ClientID || firstRedirect(p.app) != firstRedirect(a)
}

func firstRedirect(a *pingone.Application) string {
	if len(a.RedirectURIs) == 0 {
		return ""
	}
	return a.RedirectURIs[0]
}

// bind gives the panel where its inputs come from and the window's UI (for the load).
func (p *appsSnippets) bind(source snippetSource, ui func() *UI) {
	p.source, p.ui = source, ui
}

// show loads the snippets for a (nil clears the panel). A load still running for an
// earlier application is cancelled, so its result never lands on this one.
func (p *appsSnippets) show(a *pingone.Application) {
	if p.task != nil {
		p.task.Cancel()
	}
	p.app, p.list = a, nil
	p.body.Hide()
	p.problem.clear()
	if a == nil || p.source == nil {
		p.hint.SetText("Code that signs in to the application appears here.")
		return
	}
	p.hint.SetText("Loading the environment's issuer and the application's scopes…")
	source := p.source
	p.task = Run(context.Background(), p.ui(), nil, func(ctx context.Context) ([]snippets.Snippet, error) {
		in, err := source(ctx, a)
		if err != nil {
			return nil, err
		}
		return snippets.All(in), nil
	}, func(list []snippets.Snippet, err error) {
		if err != nil {
			p.hint.SetText("")
			p.problem.show("The code could not be made.", err, "")
			return
		}
		p.setList(list)
	})
}

func (p *appsSnippets) setList(list []snippets.Snippet) {
	p.list = list
	keep := p.language.Selected
	names := make([]string, len(list))
	for i, s := range list {
		names[i] = s.Language
	}
	p.language.SetOptions(names)
	if i := slices.Index(names, keep); i >= 0 {
		p.language.SetSelectedIndex(i)
	} else {
		p.language.SetSelectedIndex(0)
	}
	p.showSelected()
	p.hint.SetText("Code for " + p.app.Name + ", with its client ID, the issuer, its redirect URI and scopes filled in.")
	p.body.Show()
}

// selected is the snippet of the language picked.
func (p *appsSnippets) selected() (snippets.Snippet, bool) {
	for _, s := range p.list {
		if s.Language == p.language.Selected {
			return s, true
		}
	}
	return snippets.Snippet{}, false
}

func (p *appsSnippets) showSelected() {
	s, ok := p.selected()
	if !ok {
		return
	}
	p.title.SetText(s.Title)
	p.install.SetText(s.Install)
	p.code.SetText(s.Code)
}

// snippetInput is the ApplicationsScreen's snippetSource: the issuer sign-ins use (a
// custom domain's when set), the application's first redirect URI and the scopes a
// sign-in asks for by default (openid and what is granted). When the grants cannot be
// read, the snippets ask for openid alone, which needs no grant.
func (s *ApplicationsScreen) snippetInput(ctx context.Context, a *pingone.Application) (snippets.Input, error) {
	iss, err := s.desk.Issuer()
	if err != nil {
		return snippets.Input{}, err
	}
	in := snippets.Input{ClientID: a.ClientID, Issuer: iss, RedirectURI: firstRedirect(a), Scopes: []string{"openid"}}
	if in.ClientID == "" {
		in.ClientID = a.ID // the same for OIDC applications
	}
	if sc, err := s.desk.SignInScopes(ctx, a.ID); err == nil {
		for _, name := range sc.Defaults() {
			if !slices.Contains(in.Scopes, name) {
				in.Scopes = append(in.Scopes, name)
			}
		}
	}
	return in, nil
}

// bindSnippets gives the create result's and the details' snippet panels the screen's
// source; NewApplicationsScreen calls it once the panels exist.
func (s *ApplicationsScreen) bindSnippets() {
	s.result.snippets.bind(s.snippetInput, s.sh.ui)
	s.details.snippets.bind(s.snippetInput, s.sh.ui)
}
