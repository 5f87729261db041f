package app

// explain gives the Lab screen's refusal on a production connection its plain words.
func (e *LabRefusedError) explain() (title, remedy string) {
	return "The lab does not run on a production connection.",
		"It creates throw-away applications and signs in with a test user. Pick a connection tagged test, or the offline sandbox."
}
