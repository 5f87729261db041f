package app

import (
	"testing"

	"go.uber.org/goleak"
)

// Every test must release what it started: sandbox listeners, loopback receivers,
// connections and keyring goroutines (case H3). godbus keeps one shared session-bus
// connection for the life of the process by design; only the real-keyring test (build tag
// keyring) opens it.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreAnyFunction("github.com/godbus/dbus/v5.(*Conn).inWorker"),
		goleak.IgnoreAnyFunction("github.com/godbus/dbus/v5.newConn.func1"),
	)
}
