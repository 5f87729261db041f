package signin

import (
	"os"
	"syscall"
)

var (
	errEADDRNOTAVAIL = syscall.EADDRNOTAVAIL
	errEAFNOSUPPORT  = syscall.EAFNOSUPPORT
	errEADDRINUSE    = syscall.EADDRINUSE
)

// osSyscallErr mimics the *os.SyscallError net.Listen wraps errno values in.
type osSyscallErr struct{ errno syscall.Errno }

func (e *osSyscallErr) Error() string {
	return (&os.SyscallError{Syscall: "bind", Err: e.errno}).Error()
}
func (e *osSyscallErr) Unwrap() error { return e.errno }
