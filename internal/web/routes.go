package web

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes registers every route of tousu, method and path, on one screen. apiRoutes
// (the JSON API) must match the OpenAPI document: a test keeps the two in step.
func (s *Server) routes() {
	for _, rt := range s.apiRoutes() {
		s.mux.Handle(rt.Method+" "+rt.Path, rt.Handler)
	}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	s.mux.Handle("/api/", s.api(notFoundAPI))
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", staticFiles()))

	// The staff desk.
	s.mux.Handle("GET /login", s.sessions.LoadAndSave(s.page(s.loginForm)))
	s.mux.Handle("POST /login", s.sessions.LoadAndSave(s.page(s.loginSubmit)))
	s.mux.Handle("POST /logout", s.sessions.LoadAndSave(s.page(s.logout)))
	s.mux.Handle("GET /desk/password", s.desk(s.passwordForm))
	s.mux.Handle("POST /desk/password", s.desk(s.passwordSubmit))
}

// route is one route of the JSON API.
type route struct {
	Method, Path string
	Handler      http.Handler
}

func (s *Server) apiRoutes() []route {
	return []route{
		{"GET", "/api/v1/openapi.json", s.api(s.openapi)},

		{"POST", "/api/v1/complaints", s.authed(s.registerComplaint)},
		{"GET", "/api/v1/complaints", s.authed(s.listComplaints)},
		{"GET", "/api/v1/complaints/{number}", s.authed(s.getComplaint)},
		{"GET", "/api/v1/complaints/{number}/events", s.authed(s.complaintEvents)},
		{"POST", "/api/v1/complaints/{number}/reveal", s.authed(s.revealComplainant)},
		{"POST", "/api/v1/complaints/{number}/{action}", s.authed(s.actOnComplaint)},

		{"POST", "/api/v1/public/complaints", s.api(s.submitPublic)},
		{"GET", "/api/v1/public/complaints/{number}", s.api(s.trackPublic)},
		{"POST", "/api/v1/public/complaints/{number}/feedback", s.api(s.feedbackPublic)},

		{"GET", "/api/v1/calendar/workdays", s.api(s.workdays)},
		{"GET", "/api/v1/calendar/overrides", s.authed(s.listOverrides)},
		{"PUT", "/api/v1/calendar/overrides/{date}", s.authed(s.putOverride)},
		{"DELETE", "/api/v1/calendar/overrides/{date}", s.authed(s.deleteOverride)},
		{"GET", "/api/v1/policies", s.authed(s.listPolicies)},
		{"POST", "/api/v1/policies", s.authed(s.createPolicy)},
		{"PUT", "/api/v1/policies/{id}", s.authed(s.updatePolicy)},
		{"DELETE", "/api/v1/policies/{id}", s.authed(s.deletePolicy)},

		{"GET", "/api/v1/units", s.authed(s.listUnits)},
		{"PUT", "/api/v1/units/{code}", s.authed(s.putUnit)},
		{"GET", "/api/v1/categories", s.authed(s.listCategories)},
		{"PUT", "/api/v1/categories/{code}", s.authed(s.putCategory)},
		{"GET", "/api/v1/staff", s.authed(s.listStaff)},
		{"PUT", "/api/v1/staff/{badge}", s.authed(s.putStaff)},
		{"GET", "/api/v1/me", s.authed(s.me)},
	}
}
