//go:build !ci && !android && !ios && !wasm && !js && !test_web_driver && !mobile && cgo

package views

import (
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// screenOf returns the size of the primary screen in device pixels and the scale Fyne
// will give w there. It answers only for a window of Fyne's desktop driver, which has
// initialised GLFW when it created the window, and must run on the main goroutine, as
// main.go builds the window (GLFW answers on the main thread only).
func screenOf(a fyne.App, w fyne.Window) (px screenPixels, scale float32, ok bool) {
	if _, native := w.(driver.NativeWindow); !native {
		return px, 0, false
	}
	defer func() {
		if recover() != nil { // GLFW not initialised after all: keep the fallback size
			ok = false
		}
	}()
	m := glfw.GetPrimaryMonitor()
	if m == nil {
		return px, 0, false
	}
	mode := m.GetVideoMode()
	if mode == nil || mode.Width <= 0 || mode.Height <= 0 {
		return px, 0, false
	}
	widthMM, _ := m.GetPhysicalSize()
	var system float32 // Fyne's platform scale: none on Linux (it detects the DPI)
	switch runtime.GOOS {
	case "darwin":
		system = 1 // macOS scales at the texture level
	case "windows":
		system, _ = m.GetContentScale()
	}
	px = screenPixels{Width: mode.Width, Height: mode.Height}
	return px, fyneScale(a, mode.Width, widthMM, system), true
}
