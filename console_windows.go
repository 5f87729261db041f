//go:build windows

package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// attachParentConsole lets the command-line forms (`pkcedesk.exe sandbox`, --version,
// --help) print in the terminal they were typed in. The release .exe is a GUI-subsystem
// program (no console window opens when it is double-clicked), so Windows gives it no
// console; AttachConsole(ATTACH_PARENT_PROCESS) borrows the parent's, when there is one.
// Output already redirected to a file or pipe is left alone.
// https://learn.microsoft.com/windows/console/attachconsole
func attachParentConsole() {
	const attachParentProcess = ^uintptr(0) // ATTACH_PARENT_PROCESS, (DWORD)-1
	attach := windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")
	if r, _, _ := attach.Call(attachParentProcess); r == 0 {
		return // started from Explorer, or the parent has no console
	}
	redirect := func(std uint32, f **os.File) {
		if h, err := windows.GetStdHandle(std); err == nil && h != 0 && h != windows.InvalidHandle {
			return // already a file or a pipe
		}
		out, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0)
		if err != nil {
			return
		}
		*f = out
	}
	redirect(windows.STD_OUTPUT_HANDLE, &os.Stdout)
	redirect(windows.STD_ERROR_HANDLE, &os.Stderr)
}
