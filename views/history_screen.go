package views

import (
	"fmt"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/app/export"
)

// exportShortcut saves the run shown (or else the latest) as a Markdown report (Ctrl+E).
var exportShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: fyne.KeyModifierShortcutDefault}

// HistoryScreen lists every run of this session (its own panel) beside the picked run's
// detail, where it is exported or summarised for a chat.
type HistoryScreen struct {
	desk *app.Desk
	sh   *Shell

	list    *historyList
	detail  *historyDetail
	content fyne.CanvasObject
	unsub   func()
	// unsubPresenter stops re-rendering on presenter view changes.
	unsubPresenter func()

	// saveFile asks where to save data under the suggested name and writes it there;
	// saveFolder asks for a folder and writes each file into it. Both call done on the UI
	// goroutine with where it went, or the error (nil and "" when the user cancelled).
	// Tests replace them.
	saveFile   func(name string, data []byte, done func(where string, err error))
	saveFolder func(files map[string][]byte, done func(where string, err error))
}

// NewHistoryScreen builds the History screen on desk.
func NewHistoryScreen(desk *app.Desk, sh *Shell) *HistoryScreen {
	s := &HistoryScreen{desk: desk, sh: sh}
	s.saveFile, s.saveFolder = s.fileDialog, s.folderDialog
	s.detail = newHistoryDetail(s.exportRun, s.exportPostman, s.copySummary, desk.RunVerifier, sh.presenter())
	s.unsubPresenter = sh.presenter().Subscribe(func(bool) { s.detail.rerender() })
	s.list = newHistoryList(func(r export.Run) { s.detail.show(&r) })
	split := container.NewHSplit(s.list.object, s.detail.object)
	split.Offset = 0.36
	s.content = split
	s.unsub = desk.OnHistoryChange(func(runs []export.Run) { sh.ui().Do(func() { s.list.show(runs) }) })
	s.list.show(desk.History())
	return s
}

// Screen is the navigation entry.
func (s *HistoryScreen) Screen() Screen {
	return Screen{Title: "History", Icon: theme.HistoryIcon(), Content: s.content, Focus: s.list.list}
}

// FileActions are the File menu's: export the run shown (or the latest) and copy its
// summary, from any screen.
func (s *HistoryScreen) FileActions() []Action {
	acts := []Action{}
	for _, f := range app.ExportFormats() {
		a := Action{Label: "Export the run as " + f.String() + "…", Run: func() { s.ExportCurrent(f) }}
		if f == app.ExportMarkdown {
			a.Shortcut = exportShortcut
		}
		acts = append(acts, a)
	}
	return append(acts,
		Action{Label: "Export the run as a Postman collection…", Run: s.ExportCurrentPostman},
		Action{Label: "Copy a redacted summary of the run", Run: s.CopyCurrentSummary})
}

// Close stops following the history.
func (s *HistoryScreen) Close() {
	if s.unsub != nil {
		s.unsub()
		s.unsub = nil
	}
	if s.unsubPresenter != nil {
		s.unsubPresenter()
		s.unsubPresenter = nil
	}
}

// current is the run in the detail, else the latest one.
func (s *HistoryScreen) current() (export.Run, bool) {
	if s.detail.run != nil {
		return *s.detail.run, true
	}
	runs := s.desk.History()
	if len(runs) == 0 {
		return export.Run{}, false
	}
	return runs[0], true
}

// ExportCurrent exports the run shown, or the latest, in format f (the File menu).
func (s *HistoryScreen) ExportCurrent(f app.ExportFormat) {
	r, ok := s.current()
	if !ok {
		s.nothingYet()
		return
	}
	s.list.pick(r.ID)
	s.exportRun(r, f)
}

// ExportCurrentPostman saves the Postman collection of the run shown, or the latest.
func (s *HistoryScreen) ExportCurrentPostman() {
	r, ok := s.current()
	if !ok {
		s.nothingYet()
		return
	}
	s.list.pick(r.ID)
	s.exportPostman(r)
}

// CopyCurrentSummary copies the redacted summary of the run shown, or the latest.
func (s *HistoryScreen) CopyCurrentSummary() {
	r, ok := s.current()
	if !ok {
		s.nothingYet()
		return
	}
	s.list.pick(r.ID)
	s.copySummary(r)
}

func (s *HistoryScreen) nothingYet() {
	if s.sh.Win != nil {
		dialog.ShowInformation("Nothing to export yet", "Sign in, or run the lab, first: every run of this session can then be exported from the History screen (Ctrl+7).", s.sh.Win)
	}
}

func (s *HistoryScreen) exportRun(r export.Run, f app.ExportFormat) {
	name, data, err := s.desk.ExportRun(r.ID, f)
	if err != nil {
		s.detail.noted("The run could not be exported: " + app.Explain(err).Title)
		return
	}
	s.saveFile(name, data, func(where string, err error) {
		switch {
		case err != nil:
			s.detail.noted("Not saved: " + err.Error())
		case where != "":
			s.detail.noted(fmt.Sprintf("Saved the %s export to %s.", f, where))
		}
	})
}

func (s *HistoryScreen) exportPostman(r export.Run) {
	files, err := s.desk.ExportPostman(r.ID)
	if err != nil {
		s.detail.noted("The collection could not be made: " + app.Explain(err).Title)
		return
	}
	s.saveFolder(files, func(where string, err error) {
		switch {
		case err != nil:
			s.detail.noted("Not saved: " + err.Error())
		case where != "":
			s.detail.noted(fmt.Sprintf("Saved the Postman collection and its %d environment files to %s. The password and any secret are empty variables to fill in.", len(files)-1, where))
		}
	})
}

func (s *HistoryScreen) copySummary(r export.Run) {
	sum, err := s.desk.RunSummary(r.ID)
	if err != nil {
		s.detail.noted(app.Explain(err).Title)
		return
	}
	copyPlain(s.sh.clipboard(), sum)
	s.detail.noted("Copied a redacted summary of the run: paste it into a chat or a ticket.")
}

// fileDialog is the real saveFile: the system's save dialog of Fyne.
func (s *HistoryScreen) fileDialog(name string, data []byte, done func(string, error)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			done("", err)
			return
		}
		_, werr := w.Write(data)
		if cerr := w.Close(); werr == nil {
			werr = cerr
		}
		done(w.URI().Path(), werr)
	}, s.sh.Win)
	d.SetFileName(name)
	d.Show()
}

// folderDialog is the real saveFolder: pick a folder, write every file into it.
func (s *HistoryScreen) folderDialog(files map[string][]byte, done func(string, error)) {
	dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			done("", err)
			return
		}
		done(dir.Path(), writeFiles(dir.Path(), files))
	}, s.sh.Win)
}

// writeFiles writes each file into dir, refusing names that would leave it.
func writeFiles(dir string, files map[string][]byte) error {
	for name, data := range files {
		if name != filepath.Base(name) || name == "." || name == ".." {
			return fmt.Errorf("refused to write %q outside the folder", name)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}
