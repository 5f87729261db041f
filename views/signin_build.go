package views

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

func (s *SignInScreen) buildForm() {
	s.appSelect = widget.NewSelect(nil, func(string) {
		if i := s.appSelect.SelectedIndex(); i >= 0 && i < len(s.apps) {
			if s.clientID.Text != appClientID(s.apps[i]) {
				s.clientID.SetText(appClientID(s.apps[i]))
			}
			s.appPicked(appClientID(s.apps[i]))
		}
	})
	s.appSelect.PlaceHolder = "Pick an application"
	s.clientID = widget.NewEntry()
	s.clientID.SetPlaceHolder("or type a client ID, e.g. 4b1e5c7a-3f2d-4e8b-9a6c-0d1e2f3a4b5c")
	s.clientID.OnChanged = func(text string) {
		s.appMsg.Hide()
		// A typed ID that is not the picked app's un-picks it, so the two never disagree.
		if i := s.appSelect.SelectedIndex(); i >= 0 && i < len(s.apps) && appClientID(s.apps[i]) != strings.TrimSpace(text) {
			s.appSelect.ClearSelected()
		}
	}
	s.appMsg = fieldMessage()
	s.appsNote = widget.NewLabel("")
	s.appsNote.Importance = widget.LowImportance
	s.appsNote.Wrapping = fyne.TextWrapWord
	s.appsNote.Hide()

	s.scopeOpenID = widget.NewCheck("openid", nil)
	s.scopeOpenID.SetChecked(true)
	s.scopeOpenID.Disable() // openid is what makes this OpenID Connect; always sent
	s.scopeProfile = widget.NewCheck("profile", nil)
	s.scopeProfile.SetChecked(true)
	s.scopeEmail = widget.NewCheck("email", nil)
	s.scopeEmail.SetChecked(true)
	s.scopeOffline = widget.NewCheck("offline_access", nil)
	s.promptLogin = widget.NewCheck("prompt=login", nil)

	s.mode = widget.NewRadioGroup([]string{modeBrowserLabel, modeInAppLabel}, func(string) { s.modeChanged() })
	s.mode.Required = true
	s.mode.Horizontal = true // keeps the credentials above the fold at the default window size
	s.modeHelp = widget.NewLabel("Your browser opens PingOne's sign-on page; PingOne then redirects to " +
		s.desk.RedirectURI() + ", where this app waits for the code (RFC 8252).")
	s.modeHelp.Importance = widget.LowImportance
	s.modeHelp.Wrapping = fyne.TextWrapWord
	s.mode.SetSelected(modeBrowserLabel)

	s.credsNote = widget.NewLabel("")
	s.credsNote.Importance = widget.LowImportance
	s.credsNote.Wrapping = fyne.TextWrapWord
	s.username = widget.NewEntry()
	s.username.SetPlaceHolder("Username")
	s.password = widget.NewPasswordEntry()
	s.password.SetPlaceHolder("Password")
	s.credsMsg = fieldMessage()
	s.credsBox = container.NewVBox(s.credsNote,
		widget.NewForm(widget.NewFormItem("Username", s.username), widget.NewFormItem("Password", s.password)),
		s.credsMsg)

	s.startBtn = widget.NewButtonWithIcon("Sign in", theme.LoginIcon(), func() { s.Start(s.selectedMode()) })
	s.startBtn.Importance = widget.HighImportance
	s.cancelBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), s.Cancel)

	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.remedy = widget.NewLabel("")
	s.remedy.Wrapping = fyne.TextWrapWord
	s.detail = widget.NewLabel("")
	s.detail.Wrapping = fyne.TextWrapWord
	s.detail.Importance = widget.LowImportance
	s.detail.TextStyle = fyne.TextStyle{Italic: true}
	// Empty until an attempt says something: three empty lines under Sign in would take
	// the room of the form's last rows.
	s.status.Hide()
	s.remedy.Hide()
	s.detail.Hide()
	s.buildWait()

	s.urlLabel = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	s.urlLabel.Truncation = fyne.TextTruncateEllipsis
	s.copyURL = widget.NewButtonWithIcon("Copy URL", theme.ContentCopyIcon(), func() {
		if cb := s.sh.clipboard(); cb != nil && s.authURL != "" {
			cb.SetContent(s.authURL)
		}
	})
	s.openAgain = widget.NewButtonWithIcon("Open again", theme.ComputerIcon(), func() {
		if s.sh != nil && s.sh.OpenURL != nil && s.authURL != "" {
			if err := s.sh.OpenURL(s.authURL); err != nil {
				s.setStatus(msgBrowserError, "", "", widget.WarningImportance)
			}
		}
	})
	s.urlBox = container.NewVBox(
		sectionTitle("Authorize URL"),
		s.urlLabel,
		container.NewHBox(s.copyURL, s.openAgain))

	s.currentPw = widget.NewPasswordEntry()
	s.newPw = widget.NewPasswordEntry()
	s.confirm = widget.NewPasswordEntry()
	s.changeBtn = widget.NewButtonWithIcon("Change password and continue", theme.ConfirmIcon(), s.changePassword)
	s.changeBtn.Importance = widget.HighImportance
	s.changeMsg = fieldMessage()
	s.changeBox = container.NewVBox(
		sectionTitle("New password required"),
		widget.NewForm(
			widget.NewFormItem("Current password", s.currentPw),
			widget.NewFormItem("New password", s.newPw),
			widget.NewFormItem("Confirm", s.confirm)),
		s.changeMsg,
		container.NewHBox(s.changeBtn))

	s.sessionLabel = widget.NewLabel("")
	s.sessionLabel.Wrapping = fyne.TextWrapWord
	s.refreshBtn = widget.NewButtonWithIcon("Refresh tokens", theme.ViewRefreshIcon(), s.refresh)
	s.userInfoBtn = widget.NewButtonWithIcon("UserInfo", theme.AccountIcon(), s.loadUserInfo)
	s.signOut = widget.NewButtonWithIcon("Sign out", theme.LogoutIcon(), s.doSignOut)
	s.sessionMsg = widget.NewLabel("")
	s.sessionMsg.Wrapping = fyne.TextWrapWord
	s.userInfo = monoLabel()
	// Presenter view masks the signed-in user's name and the personal userinfo claims.
	s.sh.presenter().Subscribe(func(bool) {
		s.showUserInfo(s.userInfoJSON)
		s.updateSession()
	})
}

// formObject is the left pane: the form scrolls, while Start/Cancel, the outcome, the
// authorize URL and the password-change step stay pinned below it, so they are in view
// without scrolling down to them.
func (s *SignInScreen) formObject() fyne.CanvasObject {
	reload := widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), s.loadApps)
	reload.Importance = widget.LowImportance
	form := container.NewVBox(
		sectionTitle("Application"),
		container.NewBorder(nil, nil, nil, reload, s.appSelect),
		s.clientID,
		s.appMsg,
		s.appsNote,
		// How to sign in comes before the scopes: the credentials are what the user must
		// see, the scopes' defaults rarely change.
		sectionTitle("How to sign in"),
		s.mode,
		s.modeHelp,
		s.credsBox,
		sectionTitle("Scopes"),
		s.scopesObject(),
		widget.NewSeparator(),
		sectionTitle("Session"),
		s.sessionLabel,
		s.sessionSub,
		container.NewHBox(s.refreshBtn, s.userInfoBtn, s.signOut),
		s.sessionMsg,
		s.userInfo,
	)
	pinned := container.NewVBox(
		widget.NewSeparator(),
		container.NewHBox(s.startBtn, s.cancelBtn),
		s.status,
		s.wait.label,
		s.remedy,
		s.detail,
		s.fixBox,
		s.urlBox,
		s.changeBox,
	)
	return container.NewBorder(nil, pinned, nil, nil, container.NewVScroll(form))
}

func (s *SignInScreen) buildSteps() {
	s.stepList = widget.NewList(
		func() int { return len(s.steps) },
		newStepRow,
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= 0 && id < len(s.steps) {
				s.fillStepRow(o, s.steps[id])
			}
		})
	s.stepList.OnSelected = func(id widget.ListItemID) { s.showStep(id) }
	s.stepList.OnUnselected = func(widget.ListItemID) { s.showStep(-1) }

	s.stepSummary = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.stepSummary.Truncation = fyne.TextTruncateEllipsis
	s.stepRequest = monoLabel()
	s.stepReply = monoLabel()
	s.stepCurl = widget.NewButtonWithIcon("Copy as cURL", theme.ContentCopyIcon(), func() { s.copyCurl(s.selected) })
	s.clipNote = newClipboardNote()
}

func (s *SignInScreen) stepsObject() fyne.CanvasObject {
	title := sectionTitle("Steps of this sign-in")
	hint := widget.NewLabel("select a step to see it")
	hint.Importance = widget.LowImportance
	return container.NewBorder(container.NewHBox(title, hint, s.clipNote), nil, nil, nil, s.stepList)
}

// buildBottom is the right pane's lower half: the attempt's PKCE values and the selected
// step's request and response.
func (s *SignInScreen) buildBottom() {
	detail := container.NewBorder(container.NewBorder(nil, nil, nil, s.stepCurl, s.stepSummary), nil, nil, nil,
		container.NewAppTabs(
			container.NewTabItem("Request", container.NewVScroll(s.stepRequest)),
			container.NewTabItem("Response", container.NewVScroll(s.stepReply))))
	s.bottom = container.NewAppTabs(
		container.NewTabItem("PKCE", container.NewVScroll(s.buildPKCE())),
		container.NewTabItem("Step detail", detail))
}
