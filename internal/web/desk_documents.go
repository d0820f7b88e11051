package web

import (
	"context"
	"image"
	"net/http"
	"net/url"
	"strings"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/paper"
	"tousu/internal/qr"
)

// documentLink is a printable document on the case page.
type documentLink struct {
	Kind  paper.Kind
	Label string
	URL   string
}

// caseDocuments lists the documents the case has now, and whether the viewer may print
// them with the complainant's identity in clear.
func caseDocuments(v *app.ComplaintView, evs []app.EventView) []documentLink {
	c := &paper.Case{Reply: v.Reply}
	for _, e := range evs {
		c.Events = append(c.Events, paper.Event{Type: e.Type})
	}
	var out []documentLink
	for _, k := range append(paper.Applicable(c), paper.Dossier) {
		out = append(out, documentLink{Kind: k, Label: paper.Kinds.Label(k), URL: documentURL(v.Number, k)})
	}
	return out
}

func documentURL(number string, k paper.Kind) string {
	return "/desk/complaints/" + url.PathEscape(number) + "/documents/" + string(k) + ".pdf"
}

// documentKind reads the {file} of a document's path: "registration.pdf" and the like.
func documentKind(r *http.Request) (paper.Kind, error) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".pdf")
	k := paper.Kind(name)
	if !ok || !paper.Kinds.Valid(k) {
		return "", tousu.Errorf(tousu.KindNotFound, "没有这种文书：%s", r.PathValue("file"))
	}
	return k, nil
}

// caseDocument serves a document of a case as a PDF, the complainant masked. Whoever may
// read the case may print it (the same visibility and recusal as the case page).
func (s *Server) caseDocument(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	k, err := documentKind(r)
	if err != nil {
		return err
	}
	return s.servePaper(w, r, actor, k, nil)
}

// caseDocumentRevealed serves a document with the complainant's identity in clear, for
// the complainant to check and sign: only a role that may reveal, given a reason; the
// reveal is audited. A refusal shows the case page with the reason beside the form.
func (s *Server) caseDocumentRevealed(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	k, err := documentKind(r)
	if err != nil {
		return err
	}
	vals, err := readForm(w, r)
	if err != nil {
		return err
	}
	number := r.PathValue("number")
	// Only the roles that may see the whole identity: a handler may reveal the phone
	// number to call the complainant, but a form to sign needs the name as well.
	err = app.CanReveal(actor)
	var who tousu.Complainant
	if err == nil {
		who, err = s.app.Reveal(r.Context(), actor, number, vals.Get("reason"))
	}
	if err != nil {
		if len(tousu.FieldsOf(err)) == 0 && !tousu.IsKind(err, tousu.KindForbidden) {
			return err
		}
		// As the reveal form does: a case out of reach is still not found (renderCase).
		f := newForm(vals)
		f.refuse(err)
		return s.renderCase(w, r, actor, refusal(err), caseState{print: f})
	}
	return s.servePaper(w, r, actor, k, &who)
}

// servePaper prints document k of the case and answers with it.
func (s *Server) servePaper(w http.ResponseWriter, r *http.Request, actor tousu.Actor, k paper.Kind, revealed *tousu.Complainant) error {
	ctx := r.Context()
	number := r.PathValue("number")
	c, err := PaperCase(ctx, s.app, actor, number)
	if err != nil {
		return err
	}
	if k == paper.Receipt && c.TrackURL == "" {
		// Like the HTML receipt: without TOUSU_PUBLIC_URL, the address the desk was
		// reached at. Only the receipt: the dossier stays independent of the request.
		c.TrackURL = s.trackURL(r, number)
	}
	if revealed != nil {
		// Field by field over the masked identity, so that a field the reveal did not
		// give stays masked rather than blank.
		for _, f := range tousu.IdentityFields {
			if v := revealed.Field(f); v != "" {
				c.Complainant.SetField(f, v)
			}
		}
		c.Revealed = true
	}
	pdf, err := paper.Render(c, k, paper.Options{QR: qrImage})
	if err != nil {
		return err
	}
	detail := string(k)
	if revealed != nil {
		detail += " (identity in clear)"
	}
	if err := s.app.Printed(ctx, actor, number, detail); err != nil {
		return err
	}
	name := c.Number + "-" + paper.Kinds.Label(k) + ".pdf"
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", "inline; filename=\""+c.Number+"-"+string(k)+".pdf\"; filename*=UTF-8''"+url.PathEscape(name))
	h.Set("Cache-Control", "no-store") // identities, even masked, stay out of caches
	_, err = w.Write(pdf)
	return err
}

// PaperCase gathers what the documents print about a complaint the actor may see, names
// resolved and events told in words as on the case page, the complainant masked. The
// desk prints from it, and the archive export binds dossiers from it.
func PaperCase(ctx context.Context, a *app.App, actor tousu.Actor, number string) (*paper.Case, error) {
	v, err := a.Get(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	evs, err := a.Events(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	atts, err := a.Attachments(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	names, err := nameLookups(ctx, a, actor)
	if err != nil {
		return nil, err
	}
	units, err := a.Units(ctx)
	if err != nil {
		return nil, err
	}
	office := officeOf(units, v.OwnerUnit)
	c := &paper.Case{
		Number: v.Number, Kind: v.Kind, Channel: v.Channel, Status: v.Status, Complainant: v.Complainant,
		Office: office.Name, Phone: office.Phone,
		TargetUnit: v.Target.UnitPath, TargetDescription: v.Target.Description,
		Matter: v.Matter, Request: v.Request, IncidentAt: v.IncidentAt, IncidentPlace: v.IncidentPlace,
		BusinessReceiptNo: v.BusinessReceiptNo, Written: v.Written,
		ReceivedAt: v.ReceivedAt, Due: v.DueDate, Deadline: v.Deadline, DueProvisional: v.DueProvisional && v.Status.Open(),
		Classification: v.Classification, Categories: v.CategoryLabels, AssignedUnit: v.AssignedUnitName,
		Mode: v.Mode, Decision: v.Decision, Reply: v.Reply, Satisfaction: v.Satisfaction, MergedInto: v.MergedInto,
	}
	if c.TargetUnit == "" {
		c.TargetUnit = v.Target.UnitName
	}
	if v.Target.Staff != "" {
		c.TargetStaff = strings.TrimSpace(v.Target.StaffName + "（" + v.Target.Staff + "）")
	}
	if v.Handler != "" {
		c.Handler = names.handler(v.Handler)
	}
	if v.Decision != nil {
		c.DecisionStaff = names.staffList(v.Decision.Staff)
	}
	if len(evs) > 0 {
		c.Receiver = evs[0].ActorName
	}
	if name := receiverName(v); name != "" { // the 首诉责任人 as registered (desk_intake.go)
		c.Receiver = name
	}
	if v.RegisteredBy == tousu.PublicActor.Login {
		c.Receiver = "网上提交"
	}
	if base := a.Channels().PublicURL; base != "" {
		c.TrackURL = base + "/track?number=" + url.QueryEscape(v.Number)
	}
	for _, e := range evs {
		it := names.event(e)
		pe := paper.Event{Seq: e.Seq, Type: e.Type, At: e.At, Label: e.Label, Actor: e.ActorName,
			Change: it.Change, Payload: e.Payload}
		for _, d := range it.Details {
			pe.Details = append(pe.Details, paper.Detail{Name: d.Name, Value: d.Value})
		}
		c.Events = append(c.Events, pe)
	}
	loc := a.Location()
	for _, a := range atts {
		a.CreatedAt = a.CreatedAt.In(loc)
		c.Attachments = append(c.Attachments, a)
	}
	return c, nil
}

// nameLookups are the names of units, staff, handlers and categories, for telling events.
func nameLookups(ctx context.Context, a *app.App, actor tousu.Actor) (lookups, error) {
	var names lookups
	units, err := a.Units(ctx)
	if err != nil {
		return names, err
	}
	cats, err := a.Categories(ctx)
	if err != nil {
		return names, err
	}
	staff, err := a.Staff(ctx, "")
	if err != nil {
		return names, err
	}
	handlers, err := a.Handlers(ctx, actor)
	if err != nil {
		return names, err
	}
	return newLookups(units, staff, handlers, cats), nil
}

// newLookups indexes the names of units, staff, handlers and categories by code.
func newLookups(units []tousu.Unit, staff []tousu.Staff, handlers []app.HandlerAccount, cats []tousu.Category) lookups {
	names := lookups{units: map[string]string{}, staff: map[string]string{}, handlers: map[string]string{}, cats: map[string]string{}}
	for _, u := range units {
		names.units[u.Code] = u.Name
	}
	for _, x := range staff {
		names.staff[x.Badge] = x.Name
	}
	for _, h := range handlers {
		names.handlers[h.Login] = h.Name
	}
	for _, c := range cats {
		names.cats[c.Code] = c.Name
	}
	return names
}

// officeOf is the supervision office that signs a unit's notices: the office nearest the
// unit up the tree, else any office, else the unit itself (as the desk's registration
// sheet finds it).
func officeOf(units []tousu.Unit, unit string) tousu.Unit {
	byCode := map[string]tousu.Unit{}
	for _, u := range units {
		byCode[u.Code] = u
	}
	for code := unit; code != ""; code = byCode[code].Parent {
		for _, u := range units {
			if u.Kind == tousu.UnitOffice && u.Parent == code {
				return u
			}
		}
		if _, ok := byCode[code]; !ok {
			break
		}
	}
	for _, u := range units {
		if u.Kind == tousu.UnitOffice {
			return u
		}
	}
	return byCode[unit]
}

// qrImage is the receipt's QR code of the tracking link, at 8 pixels a module: sharp when
// the PDF is printed at 30 mm.
func qrImage(text string) (image.Image, error) {
	c, err := qr.Encode(text)
	if err != nil {
		return nil, err
	}
	return c.Image(8), nil
}
