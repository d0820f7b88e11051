package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/qr"
)

// The desk's pages of intake (issue 11): the receipt reprinted or given with a new
// query code, the amend form's reading, the timeline of corrections, and the admin's
// page of the intake office and of units and complaints no one would work.

// receiptVM is the receipt of complaint v: with its query code when v carries one (the
// answer to a registration or a reissue), else a reprint that says how to get a new one.
func (s *Server) receiptVM(r *http.Request, actor tousu.Actor, v *app.ComplaintView) (receiptPage, error) {
	office, err := s.officeFor(r, v.OwnerUnit)
	if err != nil {
		return receiptPage{}, err
	}
	track := s.trackURL(r, v.Number)
	vm := receiptPage{Common: s.deskCommon(r, actor, "受理回执 "+v.Number), C: v, Receiver: receiverName(v),
		TrackURL: track, Period: period(v.Deadline), Office: office, Reprint: v.QueryCode == ""}
	if svg, err := qr.SVG(track, 3); err == nil {
		vm.QR = template.HTML(svg) // drawn by us: rectangles only, nothing from the user
	}
	return vm, nil
}

// receiverName is the 首诉责任人 as the receipt and the forms name them.
func receiverName(v *app.ComplaintView) string {
	fr := v.FirstReceiver
	if fr == nil {
		return ""
	}
	name := fr.StaffName
	if name == "" {
		name = fr.Staff
	}
	if fr.UnitName != "" {
		name += "（" + fr.UnitName + "）"
	}
	return name
}

// trackURL is the portal's tracking page of a number as printed on receipts: under the
// public address when one is configured (TOUSU_PUBLIC_URL), else as this browser
// reached the server.
func (s *Server) trackURL(r *http.Request, number string) string {
	base := strings.TrimRight(s.app.Channels().PublicURL, "/")
	if base == "" {
		base = siteURL(r)
	}
	return base + "/track?number=" + url.QueryEscape(number)
}

// receiptReprint is GET /desk/complaints/{number}/receipt: the receipt again, without
// the query code, which is never shown twice.
func (s *Server) receiptReprint(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	v, err := s.app.Get(r.Context(), actor, r.PathValue("number"))
	if err != nil {
		return err
	}
	vm, err := s.receiptVM(r, actor, v)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "desk/receipt", vm)
}

// reissueCode is POST /desk/complaints/{number}/query-code: a new query code for a
// complainant who lost theirs, given on a new receipt.
func (s *Server) reissueCode(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	vals, err := readForm(w, r)
	if err != nil {
		return err
	}
	number := r.PathValue("number")
	v, err := s.app.ReissueQueryCode(r.Context(), actor, number, vals.Get("reason"))
	if len(tousu.FieldsOf(err)) > 0 {
		f := newForm(vals)
		f.refuse(err)
		return s.renderCase(w, r, actor, refusal(err), caseState{action: actionQueryCode, form: f})
	}
	if err != nil {
		return err
	}
	vm, err := s.receiptVM(r, actor, v)
	if err != nil {
		return err
	}
	vm.Flash = "已重置查询码，原查询码已失效。请将新回执交给投诉人，新查询码只显示这一次。"
	return s.render(w, r, http.StatusOK, "desk/receipt", vm)
}

// actionQueryCode keys the reissue form among the case page's forms; it is not a
// lifecycle action.
const actionQueryCode tousu.Action = "query-code"

// amendFrom reads the amend form: a field left empty is not corrected, so that the
// form needs no identity in clear to offer.
func amendFrom(v url.Values, loc *time.Location) *tousu.AmendPayload {
	p := &tousu.AmendPayload{Reason: v.Get("reason")}
	str := func(name string) *string {
		if s := strings.TrimSpace(v.Get(name)); s != "" {
			return &s
		}
		return nil
	}
	var c tousu.ComplainantPatch
	c.Name, c.Phone, c.Email = str("complainant.name"), str("complainant.phone"), str("complainant.email")
	c.IDNumber, c.Organization, c.Address = str("complainant.id_number"), str("complainant.organization"), str("complainant.address")
	if c != (tousu.ComplainantPatch{}) {
		p.Complainant = &c
	}
	var t tousu.TargetPatch
	t.Unit, t.Staff, t.Description = str("target.unit"), str("target.staff"), str("target.description")
	if t != (tousu.TargetPatch{}) {
		p.Target = &t
	}
	p.Matter, p.Request, p.IncidentPlace = str("matter"), str("request"), str("incident_place")
	p.BusinessReceiptNo = str("business_receipt_no")
	if k := str("kind"); k != nil {
		kind := tousu.Kind(*k)
		p.Kind = &kind
	}
	if staff := str("first_receiver.staff"); staff != nil {
		p.FirstReceiver = &tousu.FirstReceiver{Staff: *staff, Unit: v.Get("first_receiver.unit")}
	}
	if t, ok := parseLocal(v.Get("received_at"), loc); ok && t != nil {
		p.ReceivedAt = t
	}
	if t, ok := parseLocal(v.Get("handed_over_at"), loc); ok && t != nil {
		p.HandedOverAt = t
	}
	return p
}

// amendFieldLabels name the fields an amendment corrects.
var amendFieldLabels = map[string]string{
	"kind": "类型", "channel": "受理渠道", "received_at": "收到时间",
	"complainant.name": "投诉人姓名", "complainant.phone": "联系电话", "complainant.email": "电子邮箱",
	"complainant.id_number": "身份证号码", "complainant.organization": "工作单位", "complainant.address": "通讯地址",
	"complainant.anonymous": "匿名", "target.unit": "被投诉单位", "target.staff": "被投诉工作人员",
	"target.description": "对象描述", "matter": "投诉事项", "request": "投诉请求", "categories": "投诉类别",
	"incident_at": "事发时间", "incident_place": "事发地点", "business_receipt_no": "办件回执号",
	"written": "书面材料", "first_receiver.staff": "首诉责任人", "first_receiver.unit": "首诉单位",
	"handed_over_at": "移交时间",
}

// intakeDetails tells the payload of the intake events in words: an amendment's
// corrections (identities masked, as the event keeps them), a reissue's reason.
func intakeDetails(e app.EventView) []eventDetail {
	var p struct {
		Reason  string              `json:"reason"`
		Via     string              `json:"via"`
		Changes []tousu.FieldChange `json:"changes"`
	}
	switch e.Type {
	case tousu.EventType(tousu.ActAmend), tousu.EventQueryCode:
	default:
		return nil
	}
	if json.Unmarshal(e.Payload, &p) != nil {
		return nil
	}
	var out []eventDetail
	if p.Reason != "" {
		out = append(out, eventDetail{Name: "理由", Value: p.Reason})
	}
	if p.Via == "sms" {
		out = append(out, eventDetail{Name: "方式", Value: "网上找回，发送至登记的手机号"})
	}
	for _, c := range p.Changes {
		label := amendFieldLabels[c.Field]
		if label == "" {
			label = c.Field
		}
		old, now := c.Old, c.New
		if old == "" {
			old = "（空）"
		}
		if now == "" {
			now = "（空）"
		}
		out = append(out, eventDetail{Name: label, Value: clip(old, 60) + " → " + clip(now, 60)})
	}
	return out
}

// adminIntakePage is the view model of /desk/admin/intake: the intake office, and
// where complaints could go unworked.
type adminIntakePage struct {
	adminBase
	Office, OfficeName string
	Chosen             bool
	Units              []deskOption
	Coverage           *app.Coverage
	F                  *deskForm
}

func (s *Server) adminIntake(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.renderAdminIntake(w, r, actor, http.StatusOK, newForm(nil))
}

func (s *Server) renderAdminIntake(w http.ResponseWriter, r *http.Request, actor tousu.Actor, code int, f *deskForm) error {
	ctx := r.Context()
	office, chosen, err := s.app.IntakeOffice(ctx)
	if err != nil {
		return err
	}
	cov, err := s.app.Coverage(ctx, actor)
	if err != nil {
		return err
	}
	units, err := s.app.Units(ctx)
	if err != nil {
		return err
	}
	vm := adminIntakePage{adminBase: s.adminBase(r, actor, "受理机构与覆盖检查", "/desk/admin/intake"),
		Office: office, Chosen: chosen, Units: unitOptions(units), Coverage: cov, F: f}
	for _, u := range units {
		if u.Code == office {
			vm.OfficeName = u.Name
		}
	}
	if f.Val("unit") == "" && chosen {
		f.Values.Set("unit", office)
	}
	return s.render(w, r, code, "desk/admin_intake", vm)
}

func (s *Server) adminIntakeSave(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	vals, err := readForm(w, r)
	if err != nil {
		return err
	}
	if err := s.app.SetIntakeOffice(r.Context(), actor, vals.Get("unit")); err != nil {
		if len(tousu.FieldsOf(err)) == 0 {
			return err
		}
		f := newForm(vals)
		f.refuse(err)
		return s.renderAdminIntake(w, r, actor, refusal(err), f)
	}
	return s.redirectFlash(w, r, "/desk/admin/intake", "已保存受理机构")
}

// amendField is one input of the amend form.
type amendField struct {
	Name, Label, Type string
	Max               int
}

// ID is the input's element ID: the name with its dots made dashes, so that a CSS
// selector reads it as one ID.
func (f amendField) ID() string { return strings.ReplaceAll(f.Name, ".", "-") }

// amendFields are the amend form's inputs besides the matter and the reason: the fields
// corrected most often at the counter.
var amendFields = []amendField{
	{"complainant.name", "投诉人姓名", "text", 50},
	{"complainant.phone", "联系电话", "tel", 30},
	{"complainant.email", "电子邮箱", "email", 254},
	{"complainant.id_number", "身份证号码", "text", 18},
	{"complainant.address", "通讯地址", "text", 200},
	{"target.unit", "被投诉单位代码", "text", 64},
	{"target.staff", "被投诉工作人员工号", "text", 64},
	{"target.description", "对象描述", "text", 200},
	{"incident_place", "事发地点", "text", 200},
	{"business_receipt_no", "办件回执号", "text", 64},
	{"first_receiver.staff", "首诉责任人工号", "text", 64},
	{"received_at", "收到时间", "datetime-local", 20},
	{"handed_over_at", "移交时间", "datetime-local", 20},
}

// intakeForms adds the intake forms to the case page: the amend form's fields, and the
// reissue form for clerks and supervisors while the case is not archived.
func (s *Server) intakeForms(actor tousu.Actor, vm *casePage) {
	vm.AmendFields = amendFields
	if vm.C.Retention != nil && (actor.Has(tousu.RoleInspector) || actor.Has(tousu.RoleSupervisor)) {
		vm.Forms[actionHold] = newForm(nil) // desk_retention.go
	}
	if app.CanReissueCode(actor) != nil || vm.C.Status == tousu.StatusArchived {
		return
	}
	vm.Forms[actionQueryCode] = newForm(nil) // a refused one replaces it in renderCase
}

// forgotPage is the view model of /track/forgot (忘记查询码).
type forgotPage struct {
	portalBase
	Action string
	F      *deskForm
	Sent   bool // the request was taken: the same answer whether or not anything matched
}

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderForgot(w, r, http.StatusOK, newForm(url.Values{"number": {r.URL.Query().Get("number")}}), false)
}

func (s *Server) renderForgot(w http.ResponseWriter, r *http.Request, code int, f *deskForm, sent bool) error {
	b, err := s.portalBase(r, "忘记查询码")
	if err != nil {
		return err
	}
	vm := forgotPage{portalBase: b, Action: kioskURL(b.Kiosk, "/track/forgot", nil), F: f, Sent: sent}
	return s.render(w, r, code, "portal/forgot", vm)
}

// forgotSubmit sends a new query code to the phone on file when the number and phone
// match. It is rate-limited per client, and answers the same whether or not they did, so
// that it cannot be used to learn whose number is on which complaint.
func (s *Server) forgotSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := s.limit(s.forgot, w, r); err != nil {
		return err
	}
	vals, err := readForm(w, r)
	if err != nil {
		return err
	}
	f := newForm(url.Values{"number": {vals.Get("number")}, "phone": {vals.Get("phone")}})
	number, phone := strings.TrimSpace(vals.Get("number")), strings.TrimSpace(vals.Get("phone"))
	if number == "" {
		f.Errors["number"] = "请填写受理编号"
	}
	if phone == "" {
		f.Errors["phone"] = "请填写登记的手机号"
	}
	if len(f.Errors) > 0 {
		return s.renderForgot(w, r, http.StatusUnprocessableEntity, f, false)
	}
	if err := s.app.ForgotQueryCode(r.Context(), number, phone); err != nil {
		return err
	}
	return s.renderForgot(w, r, http.StatusOK, f, true)
}
