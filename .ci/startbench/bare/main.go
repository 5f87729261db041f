// Command bare is the reference of the start-up benchmark (.ci/startbench): a Fyne window
// and nothing else, opened at the size PKCE Desk's window takes.
//
//	bare -title 'Bare Fyne' -size 1000x660
package main

import (
	"flag"
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
)

func main() {
	title := flag.String("title", "Bare Fyne", "the window's title")
	size := flag.String("size", "1000x660", "the window's size, WIDTHxHEIGHT")
	flag.Parse()
	var w, h float32
	if _, err := fmt.Sscanf(*size, "%gx%g", &w, &h); err != nil || w <= 0 || h <= 0 {
		fmt.Fprintf(os.Stderr, "bare: -size %q is not WIDTHxHEIGHT\n", *size)
		os.Exit(2)
	}
	win := fyneapp.New().NewWindow(*title)
	win.Resize(fyne.NewSize(w, h))
	win.ShowAndRun()
}
