package app

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"tousu"
)

// Open311 (GeoReport v2) shows complaints to anyone who asks, without a query code. What
// it shows is therefore much less than what the holder of the query code sees on the
// portal: whether the complaint is open or closed, its category, the unit it is about,
// its dates and the public part of the reply — never the complainant, the staff member,
// the matter in the complainant's words, or anything internal.

// OpenRequest is a complaint as Open311 shows it to the public.
type OpenRequest struct {
	Number       string
	Open         bool
	Service      string // the first category's code; "" when the complaint has none
	ServiceName  string
	Unit         string // the unit complained about (its code), "" when not known
	UnitName     string
	UnitAddress  string
	Agency       string // the unit handling it, by name
	ReceivedAt   time.Time
	UpdatedAt    time.Time
	Expected     *time.Time // the end of the due day while open
	StatusNotes  string     // the public reply: its result and the improvement promised
	ServiceNotes string     // what happens next, in plain Chinese
}

// OpenQuery selects complaints for GET requests. From and To bound received_at (To
// inclusive); Services and Open narrow; Page counts from 1.
type OpenQuery struct {
	Services []string
	From, To time.Time
	Open     *bool
	Page     int
	PageSize int
}

// openVisible reports whether a complaint may be listed at all. Reports (举报) stay out
// entirely: that a report about a unit exists is itself confidential. Complaints not
// accepted, withdrawn or merged stay out too: the first may be out of scope or abusive,
// the second is the complainant's wish, and the third is shown as the case it joined.
func openVisible(c *tousu.Complaint) bool {
	if c.Kind == tousu.KindReport {
		return false
	}
	switch c.Status {
	case tousu.StatusNotAccepted, tousu.StatusWithdrawn, tousu.StatusMerged:
		return false
	}
	return true
}

// open311Statuses are the statuses Open311 shows, open ones first.
func open311Statuses(open *bool) []tousu.Status {
	var out []tousu.Status
	for _, s := range tousu.Statuses {
		st := s.Value
		if st == tousu.StatusNotAccepted || st == tousu.StatusWithdrawn || st == tousu.StatusMerged {
			continue
		}
		if open == nil || st.Open() == *open {
			out = append(out, st)
		}
	}
	return out
}

// OpenServices are the active categories, which Open311 calls services.
func (a *App) OpenServices(ctx context.Context) ([]tousu.Category, error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	var out []tousu.Category
	for _, c := range ref.categories {
		if c.Active {
			out = append(out, c)
		}
	}
	return out, nil
}

// OpenService returns one active category; an unknown or retired one is not found.
func (a *App) OpenService(ctx context.Context, code string) (*tousu.Category, error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	c, ok := ref.catByCode[code]
	if !ok || !c.Active {
		return nil, tousu.Errorf(tousu.KindNotFound, "没有这个服务类别：%s", clipText(code, 40))
	}
	return &c, nil
}

// OpenUnits are the units a request may be about (address_id), by code.
func (a *App) OpenUnits(ctx context.Context) ([]tousu.Unit, error) {
	return a.Units(ctx)
}

// OpenRequest shows one complaint; one the public may not see is not found, exactly like
// a number that does not exist, so that numbers cannot be probed.
func (a *App) OpenRequest(ctx context.Context, number string) (*OpenRequest, error) {
	number = strings.TrimSpace(number)
	notFound := tousu.Errorf(tousu.KindNotFound, "没有这个投诉件：%s", clipText(number, 40))
	if number == "" || len(number) > 40 {
		return nil, notFound
	}
	c, err := a.store.FindComplaint(ctx, number)
	if tousu.IsKind(err, tousu.KindNotFound) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	if !openVisible(c) {
		return nil, notFound
	}
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	return a.openRequest(ref, c), nil
}

// OpenRequestsByNumber shows the listed complaints, skipping the ones that do not exist
// or are not public (the spec's service_request_id list).
func (a *App) OpenRequestsByNumber(ctx context.Context, numbers []string) ([]OpenRequest, error) {
	out := []OpenRequest{}
	for _, n := range numbers {
		r, err := a.OpenRequest(ctx, n)
		if tousu.IsKind(err, tousu.KindNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, nil
}

// OpenRequests lists public complaints, newest first, one page of q.PageSize.
func (a *App) OpenRequests(ctx context.Context, q OpenQuery) ([]OpenRequest, error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PageSize < 1 {
		q.PageSize = 1
	}
	skip := (q.Page - 1) * q.PageSize
	f := tousu.ComplaintFilter{Statuses: open311Statuses(q.Open), From: q.From, To: q.To.Add(time.Millisecond),
		Order: tousu.OrderNewest, Limit: 500}
	if len(q.Services) == 1 {
		f.Category = q.Services[0]
	}
	out := []OpenRequest{}
	// Reports and other categories are left out here rather than in the store, so the
	// list pages on with the store's cursor until the page is full.
	for {
		cs, err := a.store.ListComplaints(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if !openVisible(c) || (len(q.Services) > 1 && !slices.ContainsFunc(c.Categories, func(s string) bool {
				return slices.Contains(q.Services, s)
			})) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			out = append(out, *a.openRequest(ref, c))
			if len(out) == q.PageSize {
				return out, nil
			}
		}
		if len(cs) < f.Limit {
			return out, nil
		}
		last := cs[len(cs)-1]
		f.After = &tousu.Cursor{Key: last.ReceivedAt.UnixMilli(), ID: last.ID}
	}
}

func (a *App) openRequest(ref *reference, c *tousu.Complaint) *OpenRequest {
	r := &OpenRequest{Number: c.Number, Open: c.Status.Open(), ReceivedAt: c.ReceivedAt.In(a.loc),
		UpdatedAt: c.UpdatedAt.In(a.loc), Unit: c.Target.Unit}
	if len(c.Categories) > 0 {
		r.Service = c.Categories[0]
		r.ServiceName = ref.catByCode[r.Service].Name
	}
	if u, ok := ref.unitByCode[c.Target.Unit]; ok {
		r.UnitName, r.UnitAddress = u.Name, u.Address
	}
	agency := c.AssignedUnit
	if agency == "" {
		agency = c.OwnerUnit
	}
	r.Agency = ref.unitName(agency)
	if r.Open && !c.Deadline.Due.IsZero() {
		end := c.Deadline.Due.Midnight(a.loc).AddDate(0, 0, 1).Add(-time.Second)
		r.Expected = &end
		r.ServiceNotes = tousu.Statuses.Label(c.Status) + "，承诺办理期限至 " + c.Deadline.Due.String() + "。"
	} else {
		r.ServiceNotes = tousu.Statuses.Label(c.Status) + "。"
	}
	// The reply goes to the complainant; of it, only the result and the improvement are
	// about the unit's service, while the process may name people and steps.
	if c.Reply != nil && (c.Status == tousu.StatusReplied || c.Status == tousu.StatusClosed || c.Status == tousu.StatusArchived) {
		var parts []string
		for _, p := range []string{c.Reply.Result, c.Reply.Improvement} {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		r.StatusNotes = strings.Join(parts, "\n")
	}
	return r
}

// clipText shortens s for an error message that quotes the caller's input.
func clipText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// OpenSubmission is an Open311 POST of a service request, its fields as the spec names
// them. device_id and account_id are accepted and not kept: they identify the caller's
// app, not the complainant.
type OpenSubmission struct {
	Service       string
	Lat, Long     string
	AddressString string
	AddressID     string // a unit code: the service hall window complained about
	Email         string
	FirstName     string
	LastName      string
	Phone         string
	Description   string
	MediaURL      string
	// Attributes are the service definition's answers, attribute[code]=value.
	Attributes map[string][]string
}

// OpenAttribute is one field of the service definition, beyond the spec's own fields.
type OpenAttribute struct {
	Code, Description, Datatype string
	Required                    bool
	Values                      []tousu.Option[string]
}

// OpenAttributes are the complaint's fields that Open311 has no name for, in order.
func (a *App) OpenAttributes(ctx context.Context) ([]OpenAttribute, error) {
	ref, err := a.reference(ctx)
	if err != nil {
		return nil, err
	}
	kinds := []tousu.Option[string]{}
	for _, k := range tousu.Kinds {
		kinds = append(kinds, tousu.Option[string]{Value: string(k.Value), Label: k.Label})
	}
	units := []tousu.Option[string]{}
	for _, u := range ref.units {
		units = append(units, tousu.Option[string]{Value: u.Code, Label: ref.unitPath(u.Code)})
	}
	return []OpenAttribute{
		{Code: "kind", Datatype: "singlevaluelist", Description: "类型：投诉、举报或意见建议（默认投诉）", Values: kinds},
		{Code: "unit", Datatype: "singlevaluelist", Description: "被投诉单位（与 address_id 相同，填一处即可）", Values: units},
		{Code: "target_staff", Datatype: "string", Description: "被投诉工作人员的工号（知道时填写）"},
		{Code: "target_description", Datatype: "string", Description: "被投诉人的特征（不知道工号时填写）"},
		{Code: "request", Datatype: "text", Description: "投诉请求：希望如何处理"},
		{Code: "incident_at", Datatype: "datetime", Description: "事情发生的时间"},
		{Code: "business_receipt_no", Datatype: "string", Description: "所办业务的受理单号"},
	}, nil
}

// openFields names, for each field of a registration, the Open311 field it came from, so
// that an error tells the caller what to fix in its own words.
var openFields = map[string]string{
	"matter": "description", "complainant.name": "first_name", "complainant.phone": "phone",
	"complainant.email": "email", "target.unit": "address_id", "target.staff": "attribute[target_staff]",
	"target.description": "attribute[target_description]", "request": "attribute[request]",
	"incident_at": "attribute[incident_at]", "incident_place": "address_string", "kind": "attribute[kind]",
	"business_receipt_no": "attribute[business_receipt_no]", "categories": "service_code",
}

// OpenFieldName is the Open311 name of a registration's field.
func OpenFieldName(field string) string {
	if n, ok := openFields[field]; ok {
		return n
	}
	return field
}

// OpenSubmit registers an Open311 service request on channel web, as the account whose
// token was the api_key. With dryRun (the test endpoint) it checks everything and stores
// nothing, answering with a view that has no number.
func (a *App) OpenSubmit(ctx context.Context, actor tousu.Actor, s OpenSubmission, dryRun bool) (*ComplaintView, error) {
	if err := CanRegister(actor); err != nil {
		return nil, err
	}
	p := tousu.Problems{}
	if s.Service == "" {
		p.Add("service_code", "请提供 service_code")
	}
	attr := func(code string) string {
		if v := s.Attributes[code]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	for code, v := range s.Attributes {
		if len(v) > 1 {
			p.Add("attribute["+code+"]", "只能有一个值")
		}
	}
	in := tousu.Register{Kind: tousu.Kind(attr("kind")), Channel: tousu.ChannelWeb, Matter: s.Description,
		Request: attr("request"), BusinessReceiptNo: attr("business_receipt_no"), Categories: []string{s.Service},
		Target: tousu.Target{Unit: strings.TrimSpace(s.AddressID), Staff: attr("target_staff"), Description: attr("target_description")}}
	if u := attr("unit"); u != "" {
		if in.Target.Unit != "" && in.Target.Unit != u {
			p.Add("attribute[unit]", "与 address_id 不一致")
		}
		in.Target.Unit = u
	}
	if v := attr("incident_at"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			p.Add("attribute[incident_at]", "时间格式应为 2010-04-14T06:37:38+08:00")
		} else {
			in.IncidentAt = &t
		}
	}
	in.IncidentPlace = strings.TrimSpace(s.AddressString)
	lat, long := strings.TrimSpace(s.Lat), strings.TrimSpace(s.Long)
	switch {
	case lat != "" || long != "":
		if !validCoordinate(lat, 90) || !validCoordinate(long, 180) {
			p.Add("lat", "lat 与 long 须同时提供，且为 WGS84 经纬度")
		} else if in.IncidentPlace == "" {
			in.IncidentPlace = "坐标（纬度 " + lat + "，经度 " + long + "）"
		}
	case in.IncidentPlace == "" && in.Target.Unit == "":
		p.Add("address_string", "请提供地点：lat 与 long、address_string 或 address_id 之一")
	}
	if m := strings.TrimSpace(s.MediaURL); m != "" {
		if !(strings.HasPrefix(m, "https://") || strings.HasPrefix(m, "http://")) || len(m) > 500 {
			p.Add("media_url", "应为 http:// 或 https:// 开头的链接")
		} else {
			in.Matter = strings.TrimSpace(in.Matter) + "\n（附件链接：" + m + "）"
		}
	}
	name := strings.TrimSpace(strings.TrimSpace(s.LastName) + strings.TrimSpace(s.FirstName))
	in.Complainant = tousu.Complainant{Name: name, Phone: s.Phone, Email: s.Email}
	if name == "" && strings.TrimSpace(s.Phone) == "" && strings.TrimSpace(s.Email) == "" {
		in.Complainant.Anonymous = true
	}
	if dryRun {
		now := a.now().UTC()
		in.Normalize()
		err := mergeProblems(p.Err(), in.Validate(now))
		if err != nil {
			return nil, err
		}
		ref, err := a.reference(ctx)
		if err != nil {
			return nil, err
		}
		if err := a.checkReferences(ctx, ref, &in); err != nil {
			return nil, err
		}
		return &ComplaintView{Status: tousu.StatusRegistered, StatusLabel: tousu.Statuses.Label(tousu.StatusRegistered)}, nil
	}
	if err := p.Err(); err != nil {
		in.Normalize()
		return nil, mergeProblems(err, in.Validate(a.now().UTC()))
	}
	return a.register(ctx, actor, in, RegisterOptions{})
}

// validCoordinate reports whether s is a decimal degree within ±max.
func validCoordinate(s string, max float64) bool {
	f, err := strconv.ParseFloat(s, 64)
	return err == nil && f >= -max && f <= max
}
