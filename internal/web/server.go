// Package web is tousu's HTTP face: the JSON API, and later the portal and the staff
// desk, on the standard ServeMux. Every route is listed in routes.go; handlers return
// errors and one adapter renders them.
package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/prometheus/client_golang/prometheus"

	"tousu"
	"tousu/internal/app"
)

// Options configure a Server.
type Options struct {
	App    *app.App
	Logger *slog.Logger
	// Public rate limits, per client address: submissions and look-ups per minute.
	// Zero means the defaults (10 submissions, 60 look-ups).
	SubmitPerMinute int
	TrackPerMinute  int
	// ForgotPerMinute limits "忘记查询码" requests, each of which may send a text
	// message; zero means 3.
	ForgotPerMinute int
	// EvaluatePerMinute limits public ratings (好差评) per client address; zero means 30
	// (a hall's kiosk or a counter's pad rates for many citizens from one address).
	EvaluatePerMinute int
	// InsecureCookie drops the Secure flag from the desk's session cookie, for a
	// deployment served over plain HTTP on a network name (browsers accept Secure
	// cookies from http://localhost and 127.0.0.1 anyway).
	InsecureCookie bool
	// TrustedProxies are the reverse proxies (load balancers) in front of tousu. Only
	// when the direct peer is in one of them are X-Forwarded-For and X-Real-IP believed
	// for the client's address (rate limits, audit records); anyone else could forge them.
	TrustedProxies []netip.Prefix
	// Open311Jurisdiction is the jurisdiction_id Open311 callers must send; "" accepts
	// any (or none), for a deployment that serves a single jurisdiction.
	Open311Jurisdiction string
	// HotlineSecret is the key the 12345 platform signs its requests with
	// (TOUSU_HOTLINE_SECRET); empty: the hotline's routes answer 404.
	HotlineSecret string
	// EvidenceReaders is how many portal submissions may be reading evidence files into
	// memory at once (default 1): each holds up to 50 MiB, so the bound keeps the
	// server's memory flat under a burst of large submissions; the others wait briefly,
	// then get 429 with Retry-After.
	EvidenceReaders int
}

// Server serves tousu over HTTP.
type Server struct {
	app      *app.App
	log      *slog.Logger
	mux      *http.ServeMux
	handler  http.Handler
	metrics  *metrics
	submit   *limiter
	track    *limiter
	forgot   *limiter
	evaluate *limiter
	pages    *pages
	sessions *scs.SessionManager
	proxies  []netip.Prefix
	// jurisdiction is Options.Open311Jurisdiction.
	jurisdiction string
	// hotlineSecret is Options.HotlineSecret.
	hotlineSecret []byte
	// evidence admits portal submissions to read their evidence files (EvidenceReaders).
	evidence chan struct{}
}

// New returns a server with every route registered.
func New(opts Options) *Server {
	s := &Server{app: opts.App, log: opts.Logger, mux: http.NewServeMux(), proxies: opts.TrustedProxies,
		jurisdiction: strings.TrimSpace(opts.Open311Jurisdiction), hotlineSecret: []byte(opts.HotlineSecret)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if opts.SubmitPerMinute == 0 {
		opts.SubmitPerMinute = 10
	}
	if opts.TrackPerMinute == 0 {
		opts.TrackPerMinute = 60
	}
	if opts.EvidenceReaders <= 0 {
		opts.EvidenceReaders = 1
	}
	s.evidence = make(chan struct{}, opts.EvidenceReaders)
	s.submit = newLimiter(opts.SubmitPerMinute)
	s.track = newLimiter(opts.TrackPerMinute)
	if opts.ForgotPerMinute == 0 {
		opts.ForgotPerMinute = 3
	}
	s.forgot = newLimiter(opts.ForgotPerMinute)
	if opts.EvaluatePerMinute == 0 {
		opts.EvaluatePerMinute = 30
	}
	s.evaluate = newLimiter(opts.EvaluatePerMinute)
	s.metrics = newMetrics()
	pages, err := parsePages(opts.App.Location())
	if err != nil {
		// The templates are embedded: a parse error is a defect of the build, which the
		// page tests catch long before anyone runs it.
		panic(err)
	}
	s.pages = pages
	s.sessions = s.newSessions(opts.App.Store(), !opts.InsecureCookie)
	s.routes()
	cop := http.NewCrossOriginProtection()
	s.handler = s.observe(s.realClient(cop.Handler(s.mux)))
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Registry is the server's private Prometheus registry.
func (s *Server) Registry() *prometheus.Registry { return s.metrics.reg }

// handlerFunc is a handler that returns its error for one adapter to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// api adapts a JSON handler: it records the client for audit records and renders errors.
func (s *Server) api(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(app.WithClient(r.Context(), clientAddr(r)))
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// authed adapts a JSON handler that needs a staff account: the bearer token names it.
// The JSON API never accepts the desk's session cookie, so that a cross-site page cannot
// make a signed-in browser write through it.
func (s *Server) authed(h func(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error) http.Handler {
	return s.api(func(w http.ResponseWriter, r *http.Request) error {
		auth := r.Header.Get("Authorization")
		tok, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok || tok == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tousu"`)
			return tousu.Errorf(tousu.KindUnauthorized, "请提供访问令牌（Authorization: Bearer …）")
		}
		actor, err := s.app.Authenticate(r.Context(), strings.TrimSpace(tok))
		if err != nil {
			if tousu.IsKind(err, tousu.KindUnauthorized) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="tousu", error="invalid_token"`)
			}
			return err
		}
		return h(w, r, actor)
	})
}

// errorBody is the one shape of every error answer.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// status maps error kinds to HTTP status codes: the one place that does.
func status(kind tousu.ErrorKind) int {
	switch kind {
	case tousu.KindInvalid:
		return http.StatusUnprocessableEntity
	case tousu.KindMalformed:
		return http.StatusBadRequest
	case tousu.KindNotFound:
		return http.StatusNotFound
	case tousu.KindConflict, tousu.KindTransition:
		return http.StatusConflict
	case tousu.KindForbidden:
		return http.StatusForbidden
	case tousu.KindUnauthorized:
		return http.StatusUnauthorized
	case tousu.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case tousu.KindRateLimited:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	kind := tousu.KindOf(err)
	if kind == tousu.KindInternal {
		// Logged with the route, never with the request body: it may hold identities.
		s.log.Error("internal error", "method", r.Method, "route", r.Pattern, "err", err)
	}
	setRetryAfter(w, err)
	writeJSON(w, status(kind), errorBody{Error: errorDetail{Code: string(kind), Message: tousu.PublicMessage(err),
		Fields: tousu.FieldsOf(err)}})
}

// setRetryAfter tells a rate-limited client when to come back, when the error says.
func setRetryAfter(w http.ResponseWriter, err error) {
	if d := tousu.RetryAfterOf(err); d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// clientAddr is the address of the client, for audit records and rate limits: the
// direct peer's, or the one a trusted proxy forwarded (see realClient in proxy.go).
func clientAddr(r *http.Request) string {
	if a, ok := r.Context().Value(clientAddrKey{}).(string); ok {
		return a
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// observe counts requests and times them by route.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic serving request", "method", r.Method, "route", r.Pattern, "panic", v)
				if !rw.wrote {
					s.writeError(rw, r, errors.New("panic"))
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			s.metrics.observe(route, rw.code, time.Since(start))
		}()
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(rw, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.code, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}
