package views

// running reports whether t has not finished yet (its done callback has not returned).
func running(t *Task) bool {
	select {
	case <-t.Done():
		return false
	default:
		return true
	}
}
