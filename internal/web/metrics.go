package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a private registry so that nothing
// another package registers globally leaks into /metrics. Labels carry routes and
// codes, never values from the request.
type metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	registered *prometheus.CounterVec
	actions    *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tousu_http_requests_total",
		Help: "HTTP requests by route pattern and status code."}, []string{"route", "code"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "tousu_http_request_duration_seconds",
		Help: "HTTP request latency by route pattern.", Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}},
		[]string{"route"})
	m.registered = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tousu_complaints_registered_total",
		Help: "Complaints registered, by channel."}, []string{"channel"})
	m.actions = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tousu_complaint_actions_total",
		Help: "Lifecycle actions taken, by action."}, []string{"action"})
	m.reg.MustRegister(m.requests, m.duration, m.registered, m.actions,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(route string, code int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(code)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

// MetricsHandler serves the Prometheus metrics (GET /metrics). It is not among the routes
// of the server's own handler: request counts by route and status tell an outsider how
// the office works, so the operator serves them on a listen address of their own
// (tousu serve --metrics-addr, off by default), reachable by the monitoring only.
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	return mux
}
