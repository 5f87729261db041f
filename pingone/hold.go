package pingone

import (
	"context"
	"net/http"
)

type holdKey struct{}

// HoldFunc is called before a request leaves, with the request as a transcript would
// record it (redacted: Method, URL, RequestHeader, RequestBody, Step; no response yet).
// It may block, for instance until a presenter says "next"; the request's timeout starts
// only when it returns. A non-nil error abandons the request: the caller gets that error
// and nothing is sent.
type HoldFunc func(ctx context.Context, pending Exchange) error

// HoldBeforeSend returns a context whose requests, made through a client from
// NewHTTPClient, wait for hold before they are sent. A use case that wants to step through
// its calls one at a time sets it on the context it passes down; nested holds replace the
// outer one.
func HoldBeforeSend(ctx context.Context, hold HoldFunc) context.Context {
	if hold == nil {
		return ctx
	}
	return context.WithValue(ctx, holdKey{}, hold)
}

func holdFrom(ctx context.Context) HoldFunc {
	h, _ := ctx.Value(holdKey{}).(HoldFunc)
	return h
}

// pendingExchange is the redacted request about to be sent, for a HoldFunc.
func pendingExchange(req *http.Request, body []byte) Exchange {
	return Exchange{
		Step:          StepFrom(req.Context()),
		Method:        req.Method,
		URL:           redactURL(req.URL.String()),
		RequestHeader: redactHeader(req.Header),
		RequestBody:   redactBody(req.Header.Get("Content-Type"), body),
	}
}
