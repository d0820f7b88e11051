package web

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"tousu"
	"tousu/internal/app"
)

// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2, the frozen spec) at
// /open311/, for civic apps and integrators. Every resource comes as .xml (required by
// the spec) or .json; answers are text/xml or application/json, with charset=utf-8 as
// the spec's encoding section asks; JSON lists are bare arrays and errors are the
// spec's list of {code, description}. /open311/test/ is the test endpoint that
// discovery lists: the same resources, but a POST there is checked and never stored.

// open311Spec is the specification discovery names for both endpoints.
const open311Spec = "http://wiki.open311.org/GeoReport_v2"

// open311Changeset is when tousu's Open311 interface last changed, for discovery.
var open311Changeset = time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)

// open311MaxPageSize caps page_size: the spec's default limit of a requests list.
const open311MaxPageSize = 1000

// open311Span is the longest start_date…end_date window, and the default window.
const open311Span = 90 * 24 * time.Hour

// open311Format is the format of an Open311 answer.
type open311Format string

const (
	formatXML  open311Format = "xml"
	formatJSON open311Format = "json"
)

// open311Error is one error of the spec's error list.
type open311Error struct {
	Code        int    `xml:"code" json:"code"`
	Description string `xml:"description" json:"description"`
}

type open311Errors struct {
	XMLName xml.Name       `xml:"errors"`
	Errors  []open311Error `xml:"error"`
}

type open311Discovery struct {
	XMLName    xml.Name          `xml:"discovery" json:"-"`
	Changeset  string            `xml:"changeset" json:"changeset"`
	Contact    string            `xml:"contact" json:"contact"`
	KeyService string            `xml:"key_service" json:"key_service"`
	Endpoints  []open311Endpoint `xml:"endpoints>endpoint" json:"endpoints"`
}

type open311Endpoint struct {
	Specification string   `xml:"specification" json:"specification"`
	URL           string   `xml:"url" json:"url"`
	Changeset     string   `xml:"changeset" json:"changeset"`
	Type          string   `xml:"type" json:"type"`
	Formats       []string `xml:"formats>format" json:"formats"`
}

type open311Service struct {
	Code        string `xml:"service_code" json:"service_code"`
	Name        string `xml:"service_name" json:"service_name"`
	Description string `xml:"description" json:"description"`
	Metadata    bool   `xml:"metadata" json:"metadata"`
	Type        string `xml:"type" json:"type"`
	Keywords    string `xml:"keywords" json:"keywords"`
	Group       string `xml:"group" json:"group"`
}

type open311Services struct {
	XMLName  xml.Name         `xml:"services"`
	Services []open311Service `xml:"service"`
}

type open311Definition struct {
	XMLName    xml.Name           `xml:"service_definition" json:"-"`
	Code       string             `xml:"service_code" json:"service_code"`
	Attributes []open311Attribute `xml:"attributes>attribute" json:"attributes"`
}

type open311Attribute struct {
	Variable            bool           `xml:"variable" json:"variable"`
	Code                string         `xml:"code" json:"code"`
	Datatype            string         `xml:"datatype" json:"datatype"`
	Required            bool           `xml:"required" json:"required"`
	DatatypeDescription string         `xml:"datatype_description" json:"datatype_description"`
	Order               int            `xml:"order" json:"order"`
	Description         string         `xml:"description" json:"description"`
	Values              []open311Value `xml:"values>value" json:"values,omitempty"`
}

type open311Value struct {
	Key  string `xml:"key" json:"key"`
	Name string `xml:"name" json:"name"`
}

// open311Request is a service request as the public sees it. Nil pointers are the
// spec's empty values: null in JSON, absent in XML — never an empty string posing as
// a value.
type open311Request struct {
	ID                string   `xml:"service_request_id" json:"service_request_id"`
	Status            string   `xml:"status" json:"status"`
	StatusNotes       *string  `xml:"status_notes" json:"status_notes"`
	ServiceName       *string  `xml:"service_name" json:"service_name"`
	ServiceCode       *string  `xml:"service_code" json:"service_code"`
	Description       *string  `xml:"description" json:"description"`
	AgencyResponsible string   `xml:"agency_responsible" json:"agency_responsible"`
	ServiceNotice     string   `xml:"service_notice" json:"service_notice"`
	RequestedDatetime string   `xml:"requested_datetime" json:"requested_datetime"`
	UpdatedDatetime   string   `xml:"updated_datetime" json:"updated_datetime"`
	ExpectedDatetime  *string  `xml:"expected_datetime" json:"expected_datetime"`
	Address           *string  `xml:"address" json:"address"`
	AddressID         *string  `xml:"address_id" json:"address_id"`
	Zipcode           *string  `xml:"zipcode" json:"zipcode"`
	Lat               *float64 `xml:"lat" json:"lat"`
	Long              *float64 `xml:"long" json:"long"`
	MediaURL          *string  `xml:"media_url" json:"media_url"`
}

type open311Requests struct {
	XMLName  xml.Name         `xml:"service_requests"`
	Requests []open311Request `xml:"request"`
}

// open311Created is the answer to a POST: the new request's id and what happens next.
type open311Created struct {
	ID            string  `xml:"service_request_id" json:"service_request_id"`
	ServiceNotice string  `xml:"service_notice" json:"service_notice"`
	AccountID     *string `xml:"account_id" json:"account_id"`
}

type open311CreatedList struct {
	XMLName  xml.Name         `xml:"service_requests"`
	Requests []open311Created `xml:"request"`
}

// open311Fail is an error answer with the spec's status code.
type open311Fail struct {
	code int
	errs []open311Error
}

func (f *open311Fail) Error() string { return fmt.Sprint(f.code, f.errs) }

func open311Failf(code int, format string, args ...any) error {
	return &open311Fail{code: code, errs: []open311Error{{Code: code, Description: fmt.Sprintf(format, args...)}}}
}

// open311 serves everything under /open311/: one handler, because the spec's paths put
// the format in the last segment (services.xml), which the mux cannot match on.
func (s *Server) open311(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(app.WithClient(r.Context(), clientAddr(r)))
	rest := strings.TrimPrefix(r.URL.Path, "/open311/")
	test := false
	if after, ok := strings.CutPrefix(rest, "test/"); ok {
		rest, test = after, true
	}
	format := formatXML
	res, ext, ok := cutLast(rest, ".")
	switch {
	case ok && ext == "xml":
	case ok && ext == "json":
		format = formatJSON
	default:
		s.open311Write(w, format, 0, open311Failf(http.StatusNotFound, "没有这个资源：地址应以 .xml 或 .json 结尾"))
		return
	}
	code, v, err := s.open311Route(w, r, res, test)
	s.open311Write(w, format, code, orNil(v, err))
}

// orNil is v, or err when there is one.
func orNil(v any, err error) any {
	if err != nil {
		return err
	}
	return v
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// open311Route answers one resource with a status code and a value to encode.
func (s *Server) open311Route(w http.ResponseWriter, r *http.Request, res string, test bool) (int, any, error) {
	method := func(allowed string) error {
		if r.Method == allowed || (allowed == http.MethodGet && r.Method == http.MethodHead) {
			return nil
		}
		w.Header().Set("Allow", allowed)
		return open311Failf(http.StatusMethodNotAllowed, "此资源只接受 %s 请求", allowed)
	}
	if res == "discovery" {
		if err := method(http.MethodGet); err != nil {
			return 0, nil, err
		}
		return http.StatusOK, s.open311Discovery(r), nil
	}
	if res == "requests" && r.Method == http.MethodPost {
		return s.open311Submit(w, r, test)
	}
	if err := method(http.MethodGet); err != nil {
		return 0, nil, err
	}
	if err := s.open311Jurisdiction(r.URL.Query()["jurisdiction_id"]); err != nil {
		return 0, nil, err
	}
	ctx := r.Context()
	switch {
	case res == "services":
		cats, err := s.app.OpenServices(ctx)
		if err != nil {
			return 0, nil, err
		}
		all, err := s.app.Categories(ctx)
		if err != nil {
			return 0, nil, err
		}
		names := map[string]string{}
		for _, c := range all {
			names[c.Code] = c.Name
		}
		list := open311Services{Services: []open311Service{}}
		for _, c := range cats {
			list.Services = append(list.Services, open311Service{Code: c.Code, Name: c.Name, Description: c.Description,
				Metadata: true, Type: "realtime", Keywords: c.Name, Group: names[c.Parent]})
		}
		return http.StatusOK, list, nil
	case strings.HasPrefix(res, "services/"):
		cat, err := s.app.OpenService(ctx, strings.TrimPrefix(res, "services/"))
		if err != nil {
			return 0, nil, err
		}
		attrs, err := s.app.OpenAttributes(ctx)
		if err != nil {
			return 0, nil, err
		}
		def := open311Definition{Code: cat.Code, Attributes: []open311Attribute{}}
		for i, a := range attrs {
			oa := open311Attribute{Variable: true, Code: a.Code, Datatype: a.Datatype, Required: a.Required,
				DatatypeDescription: datatypeDescription(a.Datatype), Order: i + 1, Description: a.Description}
			for _, v := range a.Values {
				oa.Values = append(oa.Values, open311Value{Key: v.Value, Name: v.Label})
			}
			def.Attributes = append(def.Attributes, oa)
		}
		return http.StatusOK, def, nil
	case res == "requests":
		list, err := s.open311List(r)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, list, nil
	case strings.HasPrefix(res, "requests/"):
		req, err := s.app.OpenRequest(ctx, strings.TrimPrefix(res, "requests/"))
		if err != nil {
			return 0, nil, err
		}
		// A list of one, as the spec has it: GET a request answers like GET requests.
		return http.StatusOK, open311Requests{Requests: []open311Request{s.open311Public(*req)}}, nil
	}
	return 0, nil, open311Failf(http.StatusNotFound, "没有这个资源：%s", clipRunes(res, 60))
}

func datatypeDescription(dt string) string {
	switch dt {
	case "datetime":
		return "ISO 8601 时间，含时区，如 2026-01-29T15:30:00+08:00"
	case "singlevaluelist":
		return "从 values 中选一个 key"
	case "text":
		return "多行文字"
	}
	return "一行文字"
}

func clipRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// open311Jurisdiction checks jurisdiction_id when the deployment has one: missing is a
// 400 and another one a 404, as the spec has it; without one configured any is accepted.
func (s *Server) open311Jurisdiction(vals []string) error {
	if s.jurisdiction == "" {
		return nil
	}
	if len(vals) == 0 || strings.TrimSpace(vals[0]) == "" {
		return open311Failf(http.StatusBadRequest, "jurisdiction_id: 请提供 jurisdiction_id（本系统为 %s）", s.jurisdiction)
	}
	if strings.TrimSpace(vals[0]) != s.jurisdiction {
		return open311Failf(http.StatusNotFound, "jurisdiction_id: 没有这个辖区：%s", clipRunes(vals[0], 60))
	}
	return nil
}

// open311Base is where the endpoints are, as the caller reached this server.
func (s *Server) open311Base(r *http.Request) string {
	if u := s.app.Channels().PublicURL; u != "" {
		return strings.TrimRight(u, "/") + "/open311"
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/open311"
}

func (s *Server) open311Discovery(r *http.Request) open311Discovery {
	base, cs := s.open311Base(r), open311Changeset.Format(time.RFC3339)
	formats := []string{"text/xml", "application/json"}
	return open311Discovery{Changeset: cs,
		Contact:    "投诉受理系统管理员；对接问题请联系本单位投诉督查处",
		KeyService: "api_key 即 tousu 的访问令牌：由管理员为具有受理权限的账号签发（tousu token LOGIN）",
		Endpoints: []open311Endpoint{
			{Specification: open311Spec, URL: base, Changeset: cs, Type: "production", Formats: formats},
			{Specification: open311Spec, URL: base + "/test", Changeset: cs, Type: "test", Formats: formats},
		}}
}

// open311List answers GET requests with the spec's filters: a service_request_id list
// overrides everything else; otherwise service_code, start_date, end_date and status,
// and page/page_size for paging (an extension most servers share).
func (s *Server) open311List(r *http.Request) (open311Requests, error) {
	q := r.URL.Query()
	out := open311Requests{Requests: []open311Request{}}
	list := func(name string) []string {
		var vals []string
		for _, v := range q[name] {
			for _, part := range strings.Split(v, ",") {
				if part = strings.TrimSpace(part); part != "" {
					vals = append(vals, part)
				}
			}
		}
		return vals
	}
	if ids := list("service_request_id"); len(ids) > 0 {
		if len(ids) > open311MaxPageSize {
			return out, open311Failf(http.StatusBadRequest, "service_request_id: 一次最多查询 %d 件", open311MaxPageSize)
		}
		reqs, err := s.app.OpenRequestsByNumber(r.Context(), ids)
		if err != nil {
			return out, err
		}
		for _, req := range reqs {
			out.Requests = append(out.Requests, s.open311Public(req))
		}
		return out, nil
	}
	var errs []open311Error
	bad := func(field, msg string) {
		errs = append(errs, open311Error{Code: http.StatusBadRequest, Description: field + ": " + msg})
	}
	oq := app.OpenQuery{Services: list("service_code"), Page: 1, PageSize: open311MaxPageSize}
	for _, code := range oq.Services {
		if _, err := s.app.OpenService(r.Context(), code); err != nil {
			bad("service_code", "没有这个服务类别："+clipRunes(code, 40))
		}
	}
	date := func(name string) time.Time {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			bad(name, "时间格式应为 W3C 格式，含时区，如 2026-01-01T00:00:00+08:00")
		}
		return t
	}
	oq.From, oq.To = date("start_date"), date("end_date")
	switch {
	case oq.From.IsZero() && oq.To.IsZero():
		oq.To = s.app.Now()
		oq.From = oq.To.Add(-open311Span)
	case oq.From.IsZero():
		oq.From = oq.To.Add(-open311Span)
	case oq.To.IsZero():
		oq.To = oq.From.Add(open311Span)
	case oq.To.Before(oq.From):
		bad("end_date", "不能早于 start_date")
	case oq.To.Sub(oq.From) > open311Span:
		bad("end_date", "start_date 与 end_date 相隔不能超过 90 天")
	}
	var open, closed bool
	for _, st := range list("status") {
		switch st {
		case "open":
			open = true
		case "closed":
			closed = true
		default:
			bad("status", "应为 open 或 closed")
		}
	}
	if open != closed {
		oq.Open = &open
	}
	num := func(name string, max int) int {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > max {
			bad(name, fmt.Sprintf("应为 1 到 %d 之间的整数", max))
		}
		return n
	}
	if n := num("page", 1_000_000); n > 0 {
		oq.Page = n
	}
	if n := num("page_size", open311MaxPageSize); n > 0 {
		oq.PageSize = n
	}
	if errs != nil {
		return out, &open311Fail{code: http.StatusBadRequest, errs: errs}
	}
	reqs, err := s.app.OpenRequests(r.Context(), oq)
	if err != nil {
		return out, err
	}
	for _, req := range reqs {
		out.Requests = append(out.Requests, s.open311Public(req))
	}
	return out, nil
}

// open311Public is one complaint in the spec's shape: the status, category, unit, dates
// and public reply — description stays null, for it is the complainant's own words.
func (s *Server) open311Public(req app.OpenRequest) open311Request {
	str := func(v string) *string {
		if v == "" {
			return nil
		}
		return &v
	}
	out := open311Request{ID: req.Number, Status: "closed", StatusNotes: str(req.StatusNotes),
		ServiceName: str(req.ServiceName), ServiceCode: str(req.Service), AgencyResponsible: req.Agency,
		ServiceNotice: req.ServiceNotes, RequestedDatetime: req.ReceivedAt.Format(time.RFC3339),
		UpdatedDatetime: req.UpdatedAt.Format(time.RFC3339), AddressID: str(req.Unit)}
	if req.Open {
		out.Status = "open"
	}
	if req.Expected != nil {
		out.ExpectedDatetime = str(req.Expected.Format(time.RFC3339))
	}
	addr := req.UnitName
	if req.UnitAddress != "" {
		addr += "（" + req.UnitAddress + "）"
	}
	out.Address = str(addr)
	return out
}

// open311Submit answers POST requests: api_key is a tousu token whose account may
// register complaints; the complaint comes in on channel web.
func (s *Server) open311Submit(w http.ResponseWriter, r *http.Request, test bool) (int, any, error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	if err := r.ParseForm(); err != nil {
		return 0, nil, open311Failf(http.StatusBadRequest, "请求体应为 application/x-www-form-urlencoded 表单")
	}
	f := r.PostForm
	if err := s.open311Jurisdiction(f["jurisdiction_id"]); err != nil {
		return 0, nil, err
	}
	key := strings.TrimSpace(f.Get("api_key"))
	if key == "" {
		return 0, nil, open311Failf(http.StatusForbidden, "api_key: 请提供 api_key（tousu 访问令牌）")
	}
	actor, err := s.app.Authenticate(r.Context(), key)
	if err != nil {
		if tousu.IsKind(err, tousu.KindUnauthorized) {
			return 0, nil, open311Failf(http.StatusForbidden, "api_key: 无效或已停用")
		}
		return 0, nil, err
	}
	if err := app.CanRegister(actor); err != nil {
		return 0, nil, open311Failf(http.StatusForbidden, "api_key: 该令牌的账号无权受理投诉")
	}
	code := strings.TrimSpace(f.Get("service_code"))
	if code == "" {
		return 0, nil, open311Failf(http.StatusBadRequest, "service_code: 请提供 service_code")
	}
	if _, err := s.app.OpenService(r.Context(), code); err != nil {
		return 0, nil, err
	}
	sub := app.OpenSubmission{Service: code, Lat: f.Get("lat"), Long: f.Get("long"),
		AddressString: f.Get("address_string"), AddressID: f.Get("address_id"), Email: f.Get("email"),
		FirstName: f.Get("first_name"), LastName: f.Get("last_name"), Phone: f.Get("phone"),
		Description: f.Get("description"), MediaURL: f.Get("media_url"), Attributes: map[string][]string{}}
	for k, vals := range f {
		name, ok := strings.CutPrefix(k, "attribute[")
		if !ok {
			continue
		}
		name = strings.TrimSuffix(strings.TrimSuffix(name, "[]"), "]")
		sub.Attributes[name] = append(sub.Attributes[name], vals...)
	}
	v, err := s.app.OpenSubmit(r.Context(), actor, sub, test)
	if err != nil {
		return 0, nil, err
	}
	if test {
		return http.StatusOK, open311CreatedList{Requests: []open311Created{{ID: "TEST",
			ServiceNotice: "测试端点：内容已通过校验，未登记。正式提交请使用 production 端点。"}}}, nil
	}
	s.metrics.registered.WithLabelValues(string(v.Channel)).Inc()
	notice := fmt.Sprintf("已登记，承诺办理期限至 %s。查询码 %s：请转告投诉人，凭受理编号和查询码在网上查询和评价；查询码不再显示。",
		v.DueDate, v.QueryCode)
	return http.StatusOK, open311CreatedList{Requests: []open311Created{{ID: v.Number, ServiceNotice: notice}}}, nil
}

// open311Write encodes v (or the error it is) in the format asked for.
func (s *Server) open311Write(w http.ResponseWriter, format open311Format, code int, v any) {
	if err, ok := v.(error); ok {
		code, v = s.open311ErrorBody(err)
	}
	var body []byte
	var err error
	if format == formatJSON {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		body, err = json.Marshal(open311JSON(v))
	} else {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		body, err = xml.Marshal(v)
		body = append([]byte(xml.Header), body...)
	}
	if err != nil {
		s.log.Error("open311: encoding failed", "err", err)
		code, body = http.StatusInternalServerError, nil
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(body)
}

// open311JSON is v as the spec's JSON has it: lists are bare arrays, not objects
// holding them as the XML does.
func open311JSON(v any) any {
	switch v := v.(type) {
	case open311Errors:
		return v.Errors
	case open311Services:
		return v.Services
	case open311Requests:
		return v.Requests
	case open311CreatedList:
		return v.Requests
	}
	return v
}

// open311ErrorBody maps an error to the spec's status code and error list; field
// problems become one error each, named as the spec names the field.
func (s *Server) open311ErrorBody(err error) (int, open311Errors) {
	var f *open311Fail
	if errors.As(err, &f) {
		return f.code, open311Errors{Errors: f.errs}
	}
	kind := tousu.KindOf(err)
	code := http.StatusBadRequest
	switch kind {
	case tousu.KindNotFound:
		code = http.StatusNotFound
	case tousu.KindForbidden, tousu.KindUnauthorized:
		code = http.StatusForbidden
	case tousu.KindRateLimited:
		code = http.StatusTooManyRequests
	case tousu.KindTooLarge:
		code = http.StatusRequestEntityTooLarge
	case tousu.KindInternal:
		s.log.Error("open311: internal error", "err", err)
		return http.StatusInternalServerError, open311Errors{Errors: []open311Error{{Code: 500, Description: "服务器内部错误，请稍后再试"}}}
	}
	fields := tousu.FieldsOf(err)
	if len(fields) == 0 {
		return code, open311Errors{Errors: []open311Error{{Code: code, Description: tousu.PublicMessage(err)}}}
	}
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	slices.Sort(names)
	out := open311Errors{}
	for _, k := range names {
		out.Errors = append(out.Errors, open311Error{Code: code, Description: app.OpenFieldName(k) + ": " + fields[k]})
	}
	return code, out
}
