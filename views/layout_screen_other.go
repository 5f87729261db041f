//go:build ci || android || ios || wasm || js || test_web_driver || mobile || !cgo

package views

import "fyne.io/fyne/v2"

// screenOf knows no screen without Fyne's desktop (GLFW) driver.
func screenOf(fyne.App, fyne.Window) (screenPixels, float32, bool) {
	return screenPixels{}, 0, false
}
