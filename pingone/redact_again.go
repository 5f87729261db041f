package pingone

import "regexp"

// jwtRe finds compact JWS/JWE values (RFC 7515 §7.1, RFC 7516 §7.1): base64url JSON
// headers start with "eyJ" ({"), followed by two or more dot-separated segments.
var jwtRe = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){2,4}`)

// RedactText scrubs free text a second time before it leaves the process (exports, chat
// summaries): secret key/value pairs in JSON or form syntax, Bearer and Basic
// credentials, and anything shaped like a JWT.
func RedactText(s string) string {
	return jwtRe.ReplaceAllString(scrubText(s), Redacted)
}

// RedactExchange applies the transcript's redaction to an already recorded exchange
// again: its URL, headers and bodies. A recorded exchange is redacted already; exports
// run it through here anyway so that nothing recorded by mistake reaches a file.
func RedactExchange(e Exchange) Exchange {
	e = e.clone()
	e.URL = RedactText(redactURL(e.URL))
	e.RequestHeader = redactHeader(e.RequestHeader)
	e.ResponseHeader = redactHeader(e.ResponseHeader)
	e.RequestBody = redactBodyAgain(e.RequestBody)
	e.ResponseBody = redactBodyAgain(e.ResponseBody)
	e.Err = RedactText(e.Err)
	return e
}

// redactBodyAgain redacts a recorded body: a JSON document member by member, as when it
// was recorded (so PingOne's error "code" stays readable), anything else (a form, a body
// cut short) by pattern. Either way JWT-shaped values go.
func redactBodyAgain(body string) string {
	if looksLikeJSON([]byte(body)) {
		if out, err := redactJSON([]byte(body)); err == nil {
			return jwtRe.ReplaceAllString(out, Redacted)
		}
	}
	return RedactText(body)
}
