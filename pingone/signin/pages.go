package signin

import "net/http"

// The loopback listener's pages are constants: nothing from the request is ever written
// into them (case A7), they load no resources and link nowhere (RFC 9700 §4.2.4).
// The browser page stays neutral about success because the token exchange happens after
// it is shown (case F7); the app shows the real result.
const (
	pageDone = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PKCE Desk</title></head>
<body><h1>PKCE Desk</h1><p>The browser part of the sign-in is finished. You can close this tab and return to PKCE Desk.</p></body></html>
`
	pageCancelled = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PKCE Desk</title></head>
<body><h1>PKCE Desk</h1><p>Sign-in was cancelled. You can close this tab.</p></body></html>
`
	pageFailed = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PKCE Desk</title></head>
<body><h1>PKCE Desk</h1><p>Sign-in did not complete. Return to PKCE Desk for details.</p></body></html>
`
	pageAlreadyDone = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PKCE Desk</title></head>
<body><h1>PKCE Desk</h1><p>This sign-in was already completed. You can close this tab.</p></body></html>
`
	pageBadRequest = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PKCE Desk</title></head>
<body><h1>PKCE Desk</h1><p>This request does not belong to the current sign-in.</p></body></html>
`
	pageNotFound = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PKCE Desk</title></head>
<body><h1>PKCE Desk</h1><p>Not found.</p></body></html>
`
)

// writePage sends a static page with the headers of case A26.
func writePage(w http.ResponseWriter, status int, page string) {
	setPageHeaders(w.Header())
	w.WriteHeader(status)
	_, _ = w.Write([]byte(page))
}

func setPageHeaders(h http.Header) {
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
}
