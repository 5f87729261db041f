// Package sandbox is an offline PingOne emulator. It speaks the shapes of the
// PingOne auth host ({base}/{envID}/as/..., /flows, the hosted sign-on page)
// and of the Management API ({base}/v1/environments/{envID}/...) on one
// http.Handler, and it enforces what PingOne enforces (client authentication,
// PKCE policy, single-use codes, refresh-token rotation, validation errors),
// so that clients can be tested against it without network access.
//
// It deliberately does not import the pingone client package: the two sides
// must agree on the wire format, not on shared Go types.
//
// Typical test use:
//
//	s := sandbox.New(sandbox.Options{})
//	ts := httptest.NewServer(s.Handler())
//	s.SetBaseURL(ts.URL)
//
// Standalone use (the `pkcedesk sandbox` command): Start("127.0.0.1:0", opts),
// print Info() as one JSON line, Close() on interrupt.
package sandbox

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults for Options. They are fixed so that a developer can keep one
// configuration across sandbox restarts; only the worker secret is random.
const (
	DefaultEnvironmentID  = "4b1e5c7a-3f2d-4e8b-9a6c-0d1e2f3a4b5c"
	DefaultOrganizationID = "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d"
	DefaultWorkerClientID = "9c2f6a1e-7b3d-4c5e-8f9a-1b2c3d4e5f60"
	DefaultUsername       = "demo.user"
	DefaultPassword       = "Demo-Passw0rd!"
)

// Lifetimes PingOne uses (pingone-api.md §5.2, §6); the authorization-code
// lifetime is not published, 60 s is the common choice of other servers.
const (
	accessTokenLifetime = time.Hour
	idTokenLifetime     = time.Hour
	codeLifetime        = 60 * time.Second
	flowLifetime        = 15 * time.Minute
	lockoutDuration     = 900 * time.Second
	lockoutThreshold    = 5
)

// Options configures a Server. The zero value is usable.
type Options struct {
	EnvironmentID  string // default DefaultEnvironmentID
	OrganizationID string // `org` claim; default DefaultOrganizationID
	WorkerClientID string // default DefaultWorkerClientID
	WorkerSecret   string // default: random per server (32 bytes, base64url)
	Username       string // seeded user; default "demo.user" (given "Demo", family "User", email demo.user@example.com)
	Password       string // default "Demo-Passw0rd!"
	Now            func() time.Time

	// SigningKey replaces the generated RSA key (tests that create many
	// servers can share one key; 2048-bit generation is slow under -race).
	SigningKey *rsa.PrivateKey
	// DropRotatedKeys makes RotateSigningKey remove the previous key from the
	// JWKS, so tokens signed with it stop verifying. By default the old key
	// stays published, as PingOne's JWKS aggregates every key of the
	// environment's key-rotation policy.
	DropRotatedKeys bool
	// Lax turns enforcement rules off for tests and the break-it lab (lax.go); the
	// zero value enforces everything.
	Lax Lax
}

// Info is what a client needs to talk to a running sandbox. The `pkcedesk
// sandbox` command prints it as one JSON line.
type Info struct {
	AuthBaseURL   string `json:"authBaseURL"`
	APIBaseURL    string `json:"apiBaseURL"`
	EnvironmentID string `json:"environmentID"`
	Worker        struct {
		ClientID     string `json:"clientID"`
		ClientSecret string `json:"clientSecret"`
	} `json:"worker"`
	User struct {
		Username string `json:"username"`
		Password string `json:"password"`
	} `json:"user"`
}

// Server is one emulated PingOne environment. All state lives in memory and is
// guarded by mu.
//
// Handlers hold mu only for the state change itself: what a response needs
// is copied while it is held, and the costly parts (RSA signatures, JSON
// encoding, random IDs) run before or after it, so concurrent sign-ins are not
// serialised behind one another's signatures.
type Server struct {
	envID  string
	orgID  string
	now    func() time.Time
	faults *Faults

	// hasBase caches base != "" so that withBase need not take mu on every
	// request; it is only written under mu.
	hasBase atomic.Bool

	logMu      sync.Mutex
	requestLog []requestRecord // guarded by logMu

	// jwksJSON is the encoded JWKS document for keys (nil until built), read
	// without mu; it is reset under mu whenever keys changes.
	jwksJSON atomic.Pointer[[]byte]

	mu          sync.Mutex
	base        string
	keys        []*signingKey // keys[0] signs; the rest are still published
	keysGen     uint64        // bumped whenever keys changes
	dropRotated bool
	lax         Lax // set by New, never changed: read without mu
	workerID    string
	username    string
	password    string

	apps       map[string]*application
	appOrder   []string
	users      map[string]*user
	userOrder  []string
	grants     map[string]*grant
	grantOrder []string
	resources  []*resource
	population population
	flows      map[string]*flow
	codes      map[string]*authCode
	access     map[string]*accessRecord // by jti
	refresh    map[string]*refreshRecord
	sessions   map[string]*session // by ST cookie value
	httpServer *http.Server
}

// New builds a server with its signing key and the seeded environment: the
// worker app, the built-in openid and PingOne API resources, one default
// population and one user.
func New(opts Options) *Server {
	s := &Server{
		envID:       orDefault(opts.EnvironmentID, DefaultEnvironmentID),
		orgID:       orDefault(opts.OrganizationID, DefaultOrganizationID),
		now:         opts.Now,
		dropRotated: opts.DropRotatedKeys,
		lax:         opts.Lax,
		workerID:    orDefault(opts.WorkerClientID, DefaultWorkerClientID),
		username:    orDefault(opts.Username, DefaultUsername),
		password:    orDefault(opts.Password, DefaultPassword),
		apps:        map[string]*application{},
		users:       map[string]*user{},
		grants:      map[string]*grant{},
		flows:       map[string]*flow{},
		codes:       map[string]*authCode{},
		access:      map[string]*accessRecord{},
		refresh:     map[string]*refreshRecord{},
		sessions:    map[string]*session{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.faults = &Faults{}
	key := opts.SigningKey
	if key == nil {
		var err error
		key, err = rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(fmt.Sprintf("sandbox: generating RSA key: %v", err)) // crypto/rand failure is unrecoverable
		}
	}
	s.keys = []*signingKey{newSigningKey(key, s.now())}
	secret := opts.WorkerSecret
	if secret == "" {
		secret = randomToken(32)
	}
	s.seed(secret)
	return s
}

// Start listens on addr ("127.0.0.1:0" picks a free port), serves in the
// background and sets the base URL to the listener's address.
func Start(addr string, opts Options) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: listen %s: %w", addr, err)
	}
	s := New(opts)
	base := "http://" + ln.Addr().String()
	s.SetBaseURL(base)
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	s.mu.Lock()
	s.httpServer = srv
	s.mu.Unlock()
	go func() {
		// ErrServerClosed after Close is the normal end; nothing else to report to.
		_ = srv.Serve(ln)
	}()
	return s, nil
}

// Close stops a server created by Start and drops open connections. It is a
// no-op for servers that are mounted elsewhere (httptest).
func (s *Server) Close() error {
	s.mu.Lock()
	srv := s.httpServer
	s.httpServer = nil
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	if err := srv.Close(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// URL is the base URL (scheme://host:port, no trailing slash).
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.base
}

// SetBaseURL sets the externally visible base, e.g. "http://127.0.0.1:43123".
// The issuer is base + "/" + envID + "/as"; the Management API is base + "/v1".
// Until it is set, the base is derived from each request's Host header.
func (s *Server) SetBaseURL(base string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.base = strings.TrimRight(base, "/")
	s.hasBase.Store(s.base != "")
}

// EnvironmentID returns the emulated environment's ID.
func (s *Server) EnvironmentID() string { return s.envID }

// Issuer returns the OIDC issuer ({base}/{envID}/as).
func (s *Server) Issuer() string { return s.URL() + "/" + s.envID + "/as" }

// Info describes the running sandbox, secrets included (it is a test fixture).
func (s *Server) Info() Info {
	s.mu.Lock()
	defer s.mu.Unlock()
	var in Info
	in.AuthBaseURL = s.base
	in.APIBaseURL = s.base + "/v1"
	in.EnvironmentID = s.envID
	in.Worker.ClientID = s.workerID
	if w := s.apps[s.workerID]; w != nil {
		in.Worker.ClientSecret = w.secret
	}
	in.User.Username = s.username
	in.User.Password = s.password
	return in
}

// Faults returns the fault-injection table consulted before every request.
func (s *Server) Faults() *Faults { return s.faults }

// SetUserPasswordState sets a user's password status: "OK",
// "PASSWORD_EXPIRED" or "MUST_CHANGE_PASSWORD" (the last two make the
// username/password check answer with that flow status). It also clears a
// lockout. Unknown users are ignored.
func (s *Server) SetUserPasswordState(username, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.userByName(username); u != nil {
		u.passwordState = state
		u.failures = 0
		u.lockedUntil = time.Time{}
	}
}

// UserID returns the ID of the user with that username ("" if unknown).
func (s *Server) UserID(username string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.userByName(username); u != nil {
		return u.ID
	}
	return ""
}

// Handler serves both the auth paths and the /v1 management paths.
func (s *Server) Handler() http.Handler {
	return s.withFaults(s.withBase(withCorrelationID(http.HandlerFunc(s.route))))
}

// route dispatches by path. It is hand-written rather than a ServeMux because
// "/v1/..." and "/{envID}/..." overlap as ServeMux patterns.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if strings.HasPrefix(path, "/v1/") {
		s.serveManagement(w, r)
		return
	}
	seg := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(seg) < 2 || seg[0] != s.envID {
		writePlatformError(w, r, http.StatusNotFound, "NOT_FOUND", "The requested resource was not found.", nil)
		return
	}
	rest := strings.Join(seg[1:], "/")
	switch {
	case rest == "as/.well-known/openid-configuration":
		s.serveDiscovery(w, r)
	case rest == "as/jwks":
		s.serveJWKS(w, r)
	case rest == "as/authorize":
		s.serveAuthorize(w, r)
	case rest == "as/resume":
		s.serveResume(w, r)
	case rest == "as/token":
		s.serveToken(w, r)
	case rest == "as/userinfo":
		s.serveUserinfo(w, r)
	case rest == "as/revoke":
		s.serveRevoke(w, r)
	case rest == "as/introspect":
		s.serveIntrospect(w, r)
	case rest == "as/signoff":
		s.serveSignoff(w, r)
	case len(seg) == 3 && seg[1] == "flows" && seg[2] != "":
		s.serveFlow(w, r, seg[2])
	case rest == "signon" || rest == "signon/":
		s.serveSignonPage(w, r)
	default:
		writePlatformError(w, r, http.StatusNotFound, "NOT_FOUND", "The requested resource was not found.", nil)
	}
}

// withBase fills in the base URL from the first request when SetBaseURL was
// never called, so a bare httptest.NewServer(s.Handler()) still works.
func (s *Server) withBase(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.hasBase.Load() {
			s.mu.Lock()
			if s.base == "" {
				scheme := "http"
				if r.TLS != nil {
					scheme = "https"
				}
				s.base = scheme + "://" + r.Host
			}
			s.hasBase.Store(s.base != "")
			s.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

// withCorrelationID sets PingOne's Correlation-Id response header; platform
// error bodies reuse it as their `id`.
func withCorrelationID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Correlation-Id", newUUID())
		next.ServeHTTP(w, r)
	})
}

func (s *Server) issuerLocked() string { return s.base + "/" + s.envID + "/as" }

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// randomToken returns n random bytes, base64url without padding.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("sandbox: crypto/rand: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// newUUID returns a random (version 4) UUID, the ID format PingOne uses.
func newUUID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("sandbox: crypto/rand: %v", err))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], b[10:16])
	return string(out[:])
}

// timestamp formats times like PingOne: RFC 3339, UTC, millisecond precision.
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
