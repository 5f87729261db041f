package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

// runSandbox serves the offline PingOne sandbox until interrupted. Its first line on stdout
// is one JSON object (see sandbox.Info) so scripts and testers can point their apps at it.
func runSandbox(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveSandbox(ctx, args, stdout, stderr)
}

func serveSandbox(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pkcedesk sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "loopback address to listen on (port 0 picks a free port)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "pkcedesk sandbox: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	// The sandbox speaks plain HTTP and prints its credentials: keep it off the network.
	if !isLoopbackAddr(*addr) {
		fmt.Fprintf(stderr, "pkcedesk sandbox: %q is not a loopback address; use 127.0.0.1:PORT or [::1]:PORT\n", *addr)
		return 2
	}
	srv, err := sandbox.Start(*addr, sandbox.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "pkcedesk sandbox: %v\n", err)
		return 1
	}
	defer srv.Close()

	line, err := json.Marshal(srv.Info())
	if err != nil {
		fmt.Fprintf(stderr, "pkcedesk sandbox: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s\n", line)
	fmt.Fprintf(stderr, "PingOne sandbox listening on %s (Ctrl+C to stop)\n", srv.URL())
	<-ctx.Done()
	return 0
}

func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
