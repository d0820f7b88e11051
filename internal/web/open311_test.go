package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"tousu"
	"tousu/internal/web"
)

// The Open311 GeoReport v2 interface, rule by rule of the frozen spec.

// o311 is an Open311 answer.
type o311 struct {
	code int
	ct   string // the media type, without parameters
	cs   string // the charset parameter
	raw  []byte
}

func (e *env) o311(method, path string, form url.Values) o311 {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	mt, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return o311{code: resp.StatusCode, ct: mt, cs: params["charset"], raw: raw}
}

// strictXML decodes an XML answer, refusing anything after the root element and any
// answer without the XML declaration the spec requires.
func strictXML(t *testing.T, r o311, v any) {
	t.Helper()
	if r.ct != "text/xml" || r.cs != "utf-8" {
		t.Fatalf("XML answer with Content-Type %s; charset=%s, want text/xml; charset=utf-8", r.ct, r.cs)
	}
	if !bytes.HasPrefix(r.raw, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		t.Fatalf("XML answer without the declaration: %.80s", r.raw)
	}
	dec := xml.NewDecoder(bytes.NewReader(r.raw))
	dec.Strict = true
	if err := dec.Decode(v); err != nil {
		t.Fatalf("XML does not parse: %v\n%s", err, r.raw)
	}
	if tok, err := dec.Token(); err != io.EOF {
		t.Fatalf("XML has more after the root: %v %v", tok, err)
	}
}

func strictJSON(t *testing.T, r o311, v any) {
	t.Helper()
	if r.ct != "application/json" || r.cs != "utf-8" {
		t.Fatalf("JSON answer with Content-Type %s; charset=%s, want application/json; charset=utf-8", r.ct, r.cs)
	}
	dec := json.NewDecoder(bytes.NewReader(r.raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("JSON does not parse as %T: %v\n%s", v, err, r.raw)
	}
}

type xmlErrors struct {
	XMLName xml.Name `xml:"errors"`
	Errors  []struct {
		Code        int    `xml:"code"`
		Description string `xml:"description"`
	} `xml:"error"`
}

type jsonError struct {
	Code        int    `json:"code"`
	Description string `json:"description"`
}

// wantErrors checks an error answer in both formats: the status, and a list of errors
// carrying the same code, one of them mentioning field.
func (e *env) wantErrors(method, path string, form url.Values, code int, field string) {
	e.t.Helper()
	for _, format := range []string{"xml", "json"} {
		p := strings.Replace(path, ".FMT", "."+format, 1)
		r := e.o311(method, p, form)
		if r.code != code {
			e.t.Fatalf("%s %s: %d, want %d: %s", method, p, r.code, code, r.raw)
		}
		var descs []string
		if format == "xml" {
			var x xmlErrors
			strictXML(e.t, r, &x)
			for _, er := range x.Errors {
				if er.Code != code {
					e.t.Errorf("%s: error code %d in a %d answer", p, er.Code, code)
				}
				descs = append(descs, er.Description)
			}
		} else {
			var js []jsonError
			strictJSON(e.t, r, &js)
			for _, er := range js {
				if er.Code != code {
					e.t.Errorf("%s: error code %d in a %d answer", p, er.Code, code)
				}
				descs = append(descs, er.Description)
			}
		}
		if len(descs) == 0 || !strings.Contains(strings.Join(descs, "\n"), field) {
			e.t.Errorf("%s %s: errors %q do not name %q", method, p, descs, field)
		}
	}
}

type xmlDiscovery struct {
	XMLName    xml.Name `xml:"discovery"`
	Changeset  string   `xml:"changeset"`
	Contact    string   `xml:"contact"`
	KeyService string   `xml:"key_service"`
	Endpoints  []struct {
		Specification string   `xml:"specification"`
		URL           string   `xml:"url"`
		Changeset     string   `xml:"changeset"`
		Type          string   `xml:"type"`
		Formats       []string `xml:"formats>format"`
	} `xml:"endpoints>endpoint"`
}

func TestOpen311Discovery(t *testing.T) {
	e := newEnv(t)
	var x xmlDiscovery
	strictXML(t, e.o311("GET", "/open311/discovery.xml", nil), &x)
	var j struct {
		Changeset  string `json:"changeset"`
		Contact    string `json:"contact"`
		KeyService string `json:"key_service"`
		Endpoints  []struct {
			Specification string   `json:"specification"`
			URL           string   `json:"url"`
			Changeset     string   `json:"changeset"`
			Type          string   `json:"type"`
			Formats       []string `json:"formats"`
		} `json:"endpoints"`
	}
	strictJSON(t, e.o311("GET", "/open311/discovery.json", nil), &j)
	if x.Contact == "" || x.KeyService == "" || x.Contact != j.Contact || x.KeyService != j.KeyService {
		t.Errorf("contact and key_service must be there and the same in both formats: %+v / %+v", x, j)
	}
	if len(x.Endpoints) != 2 || len(j.Endpoints) != 2 {
		t.Fatalf("want a production and a test endpoint: %+v", x.Endpoints)
	}
	types := map[string]string{}
	for i, ep := range x.Endpoints {
		types[ep.Type] = ep.URL
		if ep.Specification != "http://wiki.open311.org/GeoReport_v2" || ep.URL != j.Endpoints[i].URL {
			t.Errorf("endpoint %d: %+v", i, ep)
		}
		cs, err := time.Parse(time.RFC3339, ep.Changeset)
		if err != nil || !cs.Before(time.Now()) {
			t.Errorf("endpoint changeset %q must be a W3C datetime in the past", ep.Changeset)
		}
		// One format would still be a list; here both are, XML first as v2 requires.
		if len(ep.Formats) != 2 || ep.Formats[0] != "text/xml" || ep.Formats[1] != "application/json" {
			t.Errorf("endpoint formats: %q", ep.Formats)
		}
	}
	if types["production"] != e.srv.URL+"/open311" || types["test"] != e.srv.URL+"/open311/test" {
		t.Errorf("endpoints: %v", types)
	}
	// The listed endpoints answer.
	for _, base := range types {
		if r := e.o311("GET", strings.TrimPrefix(base, e.srv.URL)+"/services.xml", nil); r.code != 200 {
			t.Errorf("%s/services.xml: %d", base, r.code)
		}
	}
}

type xmlServices struct {
	XMLName  xml.Name `xml:"services"`
	Services []struct {
		Code        string `xml:"service_code"`
		Name        string `xml:"service_name"`
		Description string `xml:"description"`
		Metadata    bool   `xml:"metadata"`
		Type        string `xml:"type"`
		Keywords    string `xml:"keywords"`
		Group       string `xml:"group"`
	} `xml:"service"`
}

type jsonService struct {
	Code        string `json:"service_code"`
	Name        string `json:"service_name"`
	Description string `json:"description"`
	Metadata    bool   `json:"metadata"`
	Type        string `json:"type"`
	Keywords    string `json:"keywords"`
	Group       string `json:"group"`
}

func TestOpen311Services(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cats, err := e.app.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var x xmlServices
	strictXML(t, e.o311("GET", "/open311/services.xml", nil), &x)
	var j []jsonService
	strictJSON(t, e.o311("GET", "/open311/services.json", nil), &j)
	if len(x.Services) == 0 || len(x.Services) != len(j) {
		t.Fatalf("services: %d in XML, %d in JSON", len(x.Services), len(j))
	}
	for i, s := range x.Services {
		if s.Code == "" || s.Name == "" || !s.Metadata || s.Type != "realtime" || s.Code != j[i].Code {
			t.Errorf("service %d: %+v / %+v", i, s, j[i])
		}
	}

	// Retired categories are not services; with one left the XML still holds a list of
	// <service> in <services>, and the JSON is still an array.
	admin := tousu.Actor{Login: "setup", Roles: []tousu.Role{tousu.RoleAdmin}}
	for _, c := range cats {
		if c.Code != "attitude" && c.Active {
			c.Active = false
			if err := e.app.PutCategory(ctx, admin, c); err != nil {
				t.Fatal(err)
			}
		}
	}
	x = xmlServices{}
	strictXML(t, e.o311("GET", "/open311/services.xml", nil), &x)
	j = nil
	strictJSON(t, e.o311("GET", "/open311/services.json", nil), &j)
	if len(x.Services) != 1 || x.Services[0].Code != "attitude" || len(j) != 1 || j[0].Code != "attitude" {
		t.Fatalf("one service left: %+v / %+v", x.Services, j)
	}
	if !bytes.Contains(e.o311("GET", "/open311/services.xml", nil).raw, []byte("<services><service><service_code>attitude</service_code>")) {
		t.Error("one service must still be <services><service>…")
	}
	if r := e.o311("GET", "/open311/services.json", nil); !bytes.HasPrefix(bytes.TrimSpace(r.raw), []byte("[")) {
		t.Errorf("services.json must be a bare array: %.60s", r.raw)
	}
}

func TestOpen311ServiceDefinition(t *testing.T) {
	e := newEnv(t)
	var x struct {
		XMLName    xml.Name `xml:"service_definition"`
		Code       string   `xml:"service_code"`
		Attributes []struct {
			Variable    bool   `xml:"variable"`
			Code        string `xml:"code"`
			Datatype    string `xml:"datatype"`
			Required    bool   `xml:"required"`
			DDesc       string `xml:"datatype_description"`
			Order       int    `xml:"order"`
			Description string `xml:"description"`
			Values      []struct {
				Key  string `xml:"key"`
				Name string `xml:"name"`
			} `xml:"values>value"`
		} `xml:"attributes>attribute"`
	}
	strictXML(t, e.o311("GET", "/open311/services/attitude.xml", nil), &x)
	if x.Code != "attitude" || len(x.Attributes) == 0 {
		t.Fatalf("definition: %+v", x)
	}
	byCode := map[string]int{}
	for i, a := range x.Attributes {
		byCode[a.Code] = i
		if !a.Variable || a.Order != i+1 || a.Description == "" {
			t.Errorf("attribute %+v", a)
		}
		switch a.Datatype {
		case "string", "number", "datetime", "text", "singlevaluelist", "multivaluelist":
		default:
			t.Errorf("attribute %s: datatype %q is not one of the spec's", a.Code, a.Datatype)
		}
		if (a.Datatype == "singlevaluelist") != (len(a.Values) > 0) {
			t.Errorf("attribute %s: values belong to list types only: %+v", a.Code, a)
		}
	}
	kind := x.Attributes[byCode["kind"]]
	if len(kind.Values) != 3 || kind.Values[0].Key != "complaint" || kind.Values[0].Name != "投诉" {
		t.Errorf("kind values: %+v", kind.Values)
	}
	unit := x.Attributes[byCode["unit"]]
	if !strings.Contains(mustJSON(t, unit.Values), "win-a1") {
		t.Errorf("unit values: %+v", unit.Values)
	}
	var j struct {
		Code       string `json:"service_code"`
		Attributes []struct {
			Variable            bool   `json:"variable"`
			Code                string `json:"code"`
			Datatype            string `json:"datatype"`
			Required            bool   `json:"required"`
			DatatypeDescription string `json:"datatype_description"`
			Order               int    `json:"order"`
			Description         string `json:"description"`
			Values              []struct {
				Key  string `json:"key"`
				Name string `json:"name"`
			} `json:"values"`
		} `json:"attributes"`
	}
	strictJSON(t, e.o311("GET", "/open311/services/attitude.json", nil), &j)
	if j.Code != "attitude" || len(j.Attributes) != len(x.Attributes) {
		t.Errorf("JSON definition differs: %+v", j)
	}
	e.wantErrors("GET", "/open311/services/no-such.FMT", nil, 404, "no-such")
}

// o311Form is a valid Open311 POST as the clerk's app would send it.
func (e *env) o311Form(mod func(url.Values)) url.Values {
	f := url.Values{
		"api_key": {e.tokens["clerk"]}, "service_code": {"attitude"}, "address_id": {"win-a1"},
		"first_name": {"三"}, "last_name": {"张"}, "phone": {"13812345678"}, "email": {"zhang@example.com"},
		"description":             {"社保1号窗口工作人员态度生硬，材料不全也未一次性告知。"},
		"attribute[request]":      {"要求道歉"},
		"attribute[target_staff]": {"A001"},
		"device_id":               {"app-1"},
	}
	if mod != nil {
		mod(f)
	}
	return f
}

type xmlCreated struct {
	XMLName  xml.Name `xml:"service_requests"`
	Requests []struct {
		ID            string  `xml:"service_request_id"`
		ServiceNotice string  `xml:"service_notice"`
		AccountID     *string `xml:"account_id"`
	} `xml:"request"`
}

func TestOpen311Submit(t *testing.T) {
	e := newEnv(t)
	before := len(listNumbers(e, "/api/v1/complaints"))

	// The spec's errors: 403 for a missing, wrong or powerless api_key; 400 for a missing
	// field; 404 for an unknown service code.
	e.wantErrors("POST", "/open311/requests.FMT", e.o311Form(func(f url.Values) { f.Del("api_key") }), 403, "api_key")
	e.wantErrors("POST", "/open311/requests.FMT", e.o311Form(func(f url.Values) { f.Set("api_key", "ts_nope") }), 403, "api_key")
	e.wantErrors("POST", "/open311/requests.FMT", e.o311Form(func(f url.Values) { f.Set("api_key", e.tokens["handler-a"]) }), 403, "api_key")
	e.wantErrors("POST", "/open311/requests.FMT", e.o311Form(func(f url.Values) { f.Del("service_code") }), 400, "service_code")
	e.wantErrors("POST", "/open311/requests.FMT", e.o311Form(func(f url.Values) { f.Set("service_code", "potholes") }), 404, "potholes")
	e.wantErrors("POST", "/open311/requests.FMT", e.o311Form(func(f url.Values) { f.Del("description") }), 400, "description")
	e.wantErrors("POST", "/open311/requests.FMT", e.o311Form(func(f url.Values) { f.Del("address_id") }), 400, "address_string")
	e.wantErrors("POST", "/open311/requests.FMT", e.o311Form(func(f url.Values) { f.Set("lat", "95") }), 400, "lat")
	e.wantErrors("POST", "/open311/requests.FMT", e.o311Form(func(f url.Values) { f.Set("address_id", "nowhere") }), 400, "address_id")
	e.wantErrors("POST", "/open311/requests.FMT", e.o311Form(func(f url.Values) { f.Set("phone", "call me") }), 400, "phone")
	e.wantErrors("POST", "/open311/requests.FMT", e.o311Form(func(f url.Values) { f.Set("attribute[incident_at]", "yesterday") }), 400, "attribute[incident_at]")
	e.wantErrors("POST", "/open311/requests.FMT", e.o311Form(func(f url.Values) { f.Set("media_url", "javascript:alert(1)") }), 400, "media_url")
	// The test endpoint checks the same way, and stores nothing even when all is well.
	e.wantErrors("POST", "/open311/test/requests.FMT", e.o311Form(func(f url.Values) { f.Del("description") }), 400, "description")
	var tx xmlCreated
	strictXML(t, e.o311("POST", "/open311/test/requests.xml", e.o311Form(nil)), &tx)
	if len(tx.Requests) != 1 || tx.Requests[0].ID != "TEST" {
		t.Errorf("test endpoint: %+v", tx)
	}
	if n := len(listNumbers(e, "/api/v1/complaints")); n != before {
		t.Fatalf("refused and test submissions stored complaints: %d → %d", before, n)
	}

	// A good one, in XML: one request, still in a list.
	var x xmlCreated
	r := e.o311("POST", "/open311/requests.xml", e.o311Form(func(f url.Values) {
		f.Set("lat", "30.27")
		f.Set("long", "120.15")
		f.Set("media_url", "https://img.example.com/1.jpg")
	}))
	if r.code != 200 {
		t.Fatalf("submit: %d %s", r.code, r.raw)
	}
	strictXML(t, r, &x)
	if len(x.Requests) != 1 || !strings.HasPrefix(x.Requests[0].ID, "TS") || !strings.Contains(x.Requests[0].ServiceNotice, "查询码") {
		t.Fatalf("created: %+v", x)
	}
	number := x.Requests[0].ID
	c := e.do("GET", "/api/v1/complaints/"+number, "supervisor", nil)
	if c.str("channel") != "web" || c.str("target.unit") != "win-a1" || c.str("target.staff") != "A001" ||
		c.str("request") != "要求道歉" || !strings.Contains(c.str("matter"), "https://img.example.com/1.jpg") {
		t.Errorf("the complaint as registered: %s", c.raw)
	}
	if cats, _ := c.field("categories").([]any); len(cats) != 1 || cats[0] != "attitude" {
		t.Errorf("categories: %v", c.field("categories"))
	}
	// The identity is sealed and masked like any other.
	if strings.Contains(c.raw, "13812345678") || strings.Contains(c.raw, "张三") {
		t.Errorf("identity shown unmasked to the staff API: %s", c.raw)
	}

	// In JSON: a bare array of one, and no name: an anonymous complaint.
	r = e.o311("POST", "/open311/requests.json", e.o311Form(func(f url.Values) {
		for _, k := range []string{"first_name", "last_name", "phone", "email", "address_id"} {
			f.Del(k)
		}
		f.Set("address_string", "市民中心二楼")
		f.Set("attribute[unit]", "win-b1")
		f.Del("attribute[target_staff]")
	}))
	var js []struct {
		ID            string  `json:"service_request_id"`
		ServiceNotice string  `json:"service_notice"`
		AccountID     *string `json:"account_id"`
	}
	strictJSON(t, r, &js)
	if r.code != 200 || len(js) != 1 || js[0].AccountID != nil {
		t.Fatalf("created (json): %d %s", r.code, r.raw)
	}
	c = e.do("GET", "/api/v1/complaints/"+js[0].ID, "supervisor", nil)
	if c.field("complainant.anonymous") != true || c.str("incident_place") != "市民中心二楼" || c.str("target.unit") != "win-b1" {
		t.Errorf("anonymous complaint: %s", c.raw)
	}
}

type xmlRequests struct {
	XMLName  xml.Name `xml:"service_requests"`
	Requests []struct {
		ID          string  `xml:"service_request_id"`
		Status      string  `xml:"status"`
		StatusNotes *string `xml:"status_notes"`
		ServiceName *string `xml:"service_name"`
		ServiceCode *string `xml:"service_code"`
		Description *string `xml:"description"`
		Agency      string  `xml:"agency_responsible"`
		Notice      string  `xml:"service_notice"`
		Requested   string  `xml:"requested_datetime"`
		Updated     string  `xml:"updated_datetime"`
		Expected    *string `xml:"expected_datetime"`
		Address     *string `xml:"address"`
		AddressID   *string `xml:"address_id"`
		Zipcode     *string `xml:"zipcode"`
		Lat         *string `xml:"lat"`
		Long        *string `xml:"long"`
		MediaURL    *string `xml:"media_url"`
	} `xml:"request"`
}

type jsonRequest struct {
	ID          string   `json:"service_request_id"`
	Status      string   `json:"status"`
	StatusNotes *string  `json:"status_notes"`
	ServiceName *string  `json:"service_name"`
	ServiceCode *string  `json:"service_code"`
	Description *string  `json:"description"`
	Agency      string   `json:"agency_responsible"`
	Notice      string   `json:"service_notice"`
	Requested   string   `json:"requested_datetime"`
	Updated     string   `json:"updated_datetime"`
	Expected    *string  `json:"expected_datetime"`
	Address     *string  `json:"address"`
	AddressID   *string  `json:"address_id"`
	Zipcode     *string  `json:"zipcode"`
	Lat         *float64 `json:"lat"`
	Long        *float64 `json:"long"`
	MediaURL    *string  `json:"media_url"`
}

func (e *env) o311Requests(path string) []jsonRequest {
	e.t.Helper()
	r := e.o311("GET", path, nil)
	if r.code != 200 {
		e.t.Fatalf("GET %s: %d %s", path, r.code, r.raw)
	}
	var js []jsonRequest
	strictJSON(e.t, r, &js)
	return js
}

func ids(rs []jsonRequest) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func TestOpen311Requests(t *testing.T) {
	e := newEnv(t)
	// A minute apart, so that newest first is one order.
	tick := func() { e.clock.Set(e.clock.Now().Add(time.Minute)) }
	open := e.register(nil)
	tick()
	replied := e.drive(tousu.StatusReplied)
	tick()
	rejected := e.drive(tousu.StatusNotAccepted)
	tick()
	withdrawn := e.drive(tousu.StatusWithdrawn)
	tick()
	report := e.register(func(m map[string]any) { m["kind"] = "report" })
	tick()
	other := e.register(func(m map[string]any) { m["categories"] = []string{"fees"} })

	// A single request: still a list of one, in both formats.
	var x xmlRequests
	strictXML(t, e.o311("GET", "/open311/requests/"+open+".xml", nil), &x)
	if len(x.Requests) != 1 {
		t.Fatalf("one request: %+v", x)
	}
	rq := x.Requests[0]
	if rq.ID != open || rq.Status != "open" || rq.ServiceCode == nil || *rq.ServiceCode != "attitude" ||
		rq.Expected == nil || rq.AddressID == nil || *rq.AddressID != "win-a1" || rq.Address == nil || *rq.Address != "社保1号窗口" {
		t.Errorf("open request: %+v", rq)
	}
	// Nothing that is not known is sent as an empty string: it is absent in XML.
	if rq.MediaURL != nil || rq.Description != nil || rq.StatusNotes != nil || rq.Lat != nil || rq.Zipcode != nil {
		t.Errorf("empty values must be absent in XML: %+v", rq)
	}
	if _, err := time.Parse(time.RFC3339, rq.Requested); err != nil || !strings.HasSuffix(rq.Requested, "+08:00") {
		t.Errorf("requested_datetime %q must be W3C with the zone", rq.Requested)
	}
	one := e.o311Requests("/open311/requests/" + open + ".json")
	if len(one) != 1 || one[0].ID != open {
		t.Fatalf("one request (json): %+v", one)
	}
	raw := string(e.o311("GET", "/open311/requests/"+open+".json", nil).raw)
	for _, k := range []string{`"media_url":null`, `"description":null`, `"status_notes":null`, `"lat":null`} {
		if !strings.Contains(raw, k) {
			t.Errorf("JSON must say %s: %s", k, raw)
		}
	}

	// Never identities, never the matter, the staff member or internal text.
	for _, n := range []string{open, replied} {
		for _, format := range []string{"xml", "json"} {
			body := string(e.o311("GET", "/open311/requests/"+n+"."+format, nil).raw)
			for _, secret := range []string{"张三", "13812345678", "A001", "王窗口", "态度生硬", "蓝色制服", "道歉",
				"调看录像", "李科长", "handler-a"} {
				if strings.Contains(body, secret) {
					t.Errorf("%s.%s shows %q: %s", n, format, secret, body)
				}
			}
		}
	}

	// The public reply, once replied: the result and the improvement, status closed.
	r := e.o311Requests("/open311/requests/" + replied + ".json")[0]
	if r.Status != "closed" || r.StatusNotes == nil || !strings.Contains(*r.StatusNotes, "投诉属实，已对当事人批评教育") ||
		!strings.Contains(*r.StatusNotes, "设置一次性告知清单") || r.Expected != nil {
		t.Errorf("replied request: %+v", r)
	}

	// What the public may not see is not found, like a number that does not exist.
	for _, n := range []string{rejected, withdrawn, report, "TS20990101-0001"} {
		e.wantErrors("GET", "/open311/requests/"+n+".FMT", nil, 404, n)
	}

	// The list: newest first, public ones only.
	all := ids(e.o311Requests("/open311/requests.json"))
	if strings.Join(all, ",") != strings.Join([]string{other, replied, open}, ",") {
		t.Errorf("requests: %v, want %v", all, []string{other, replied, open})
	}
	var xl xmlRequests
	strictXML(t, e.o311("GET", "/open311/requests.xml", nil), &xl)
	if len(xl.Requests) != 3 {
		t.Errorf("requests.xml: %d", len(xl.Requests))
	}
	// service_request_id overrides every other filter; unknown and hidden ones drop out.
	got := ids(e.o311Requests("/open311/requests.json?status=closed&service_request_id=" + open + "," + rejected + ",TS1," + replied))
	if strings.Join(got, ",") != open+","+replied {
		t.Errorf("by id: %v", got)
	}
	if got := ids(e.o311Requests("/open311/requests.json?service_code=fees")); len(got) != 1 || got[0] != other {
		t.Errorf("by service_code: %v", got)
	}
	if got := ids(e.o311Requests("/open311/requests.json?service_code=fees,attitude")); len(got) != 3 {
		t.Errorf("by two service codes: %v", got)
	}
	if got := ids(e.o311Requests("/open311/requests.json?status=closed")); len(got) != 1 || got[0] != replied {
		t.Errorf("closed: %v", got)
	}
	if got := ids(e.o311Requests("/open311/requests.json?status=open")); len(got) != 2 {
		t.Errorf("open: %v", got)
	}
	if got := ids(e.o311Requests("/open311/requests.json?status=open,closed")); len(got) != 3 {
		t.Errorf("open,closed: %v", got)
	}
	// Paging.
	p1 := ids(e.o311Requests("/open311/requests.json?page_size=2"))
	p2 := ids(e.o311Requests("/open311/requests.json?page_size=2&page=2"))
	p3 := ids(e.o311Requests("/open311/requests.json?page_size=2&page=3"))
	if strings.Join(append(p1, p2...), ",") != strings.Join(all, ",") || len(p3) != 0 {
		t.Errorf("pages: %v %v %v", p1, p2, p3)
	}
	// Dates: received within [start_date, end_date]; by default the last 90 days.
	q := func(v url.Values) string { return "/open311/requests.json?" + v.Encode() }
	if got := e.o311Requests(q(url.Values{"start_date": {"2026-01-30T00:00:00+08:00"}, "end_date": {"2026-01-30T23:59:59+08:00"}})); len(got) != 3 {
		t.Errorf("today: %v", ids(got))
	}
	if got := e.o311Requests(q(url.Values{"end_date": {"2026-01-29T23:59:59+08:00"}})); len(got) != 0 {
		t.Errorf("before today: %v", ids(got))
	}
	if got := e.o311Requests(q(url.Values{"start_date": {"2026-01-30T10:00:00Z"}})); len(got) != 0 {
		t.Errorf("after 18:00 CST: %v", ids(got))
	}
	e.clock.Set(e.clock.Now().AddDate(0, 0, 91))
	if got := e.o311Requests("/open311/requests.json"); len(got) != 0 {
		t.Errorf("the default window is 90 days: %v", ids(got))
	}
	e.wantErrors("GET", "/open311/requests.FMT?start_date=yesterday", nil, 400, "start_date")
	e.wantErrors("GET", "/open311/requests.FMT?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", nil, 400, "90")
	e.wantErrors("GET", "/open311/requests.FMT?start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", nil, 400, "end_date")
	e.wantErrors("GET", "/open311/requests.FMT?status=pending", nil, 400, "status")
	e.wantErrors("GET", "/open311/requests.FMT?page=0", nil, 400, "page")
	e.wantErrors("GET", "/open311/requests.FMT?page_size=1001", nil, 400, "page_size")
	e.wantErrors("GET", "/open311/requests.FMT?service_code=potholes", nil, 400, "service_code")
}

func TestOpen311Protocol(t *testing.T) {
	e := newEnv(t)
	// Unknown resources and formats are the spec's 404, in XML when no format is known.
	e.wantErrors("GET", "/open311/potholes.FMT", nil, 404, "potholes")
	if r := e.o311("GET", "/open311/services.html", nil); r.code != 404 || r.ct != "text/xml" {
		t.Errorf("services.html: %d %s", r.code, r.ct)
	}
	if r := e.o311("GET", "/open311/services", nil); r.code != 404 || r.ct != "text/xml" {
		t.Errorf("services without a format: %d %s", r.code, r.ct)
	}
	e.wantErrors("DELETE", "/open311/requests.FMT", nil, 405, "GET")
	e.wantErrors("POST", "/open311/services.FMT", url.Values{}, 405, "GET")

	// jurisdiction_id is accepted, and ignored when none is configured.
	if r := e.o311("GET", "/open311/services.xml?jurisdiction_id=anything", nil); r.code != 200 {
		t.Errorf("jurisdiction_id without a configured one: %d", r.code)
	}
	// Configured, it is required (400) and must match (404) — except for discovery.
	srv := httptest.NewServer(web.New(web.Options{App: e.app, Open311Jurisdiction: "hz.gov.cn"}))
	t.Cleanup(srv.Close)
	e2 := *e
	e2.srv = srv
	e2.wantErrors("GET", "/open311/services.FMT", nil, 400, "jurisdiction_id")
	e2.wantErrors("GET", "/open311/requests.FMT?jurisdiction_id=sf.gov", nil, 404, "jurisdiction_id")
	e2.wantErrors("POST", "/open311/requests.FMT", e.o311Form(nil), 400, "jurisdiction_id")
	if r := e2.o311("GET", "/open311/services.json?jurisdiction_id=hz.gov.cn", nil); r.code != 200 {
		t.Errorf("right jurisdiction: %d %s", r.code, r.raw)
	}
	if r := e2.o311("GET", "/open311/discovery.json", nil); r.code != 200 {
		t.Errorf("discovery needs no jurisdiction: %d", r.code)
	}
	if r := e2.o311("POST", "/open311/requests.json", e.o311Form(func(f url.Values) { f.Set("jurisdiction_id", "hz.gov.cn") })); r.code != 200 {
		t.Errorf("POST with the right jurisdiction: %d %s", r.code, r.raw)
	}
}
