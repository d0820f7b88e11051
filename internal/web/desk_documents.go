package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/paper"
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
	who, err := s.app.Reveal(r.Context(), actor, number, vals.Get("reason"))
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
	c, err := s.paperCase(r, actor, number)
	if err != nil {
		return err
	}
	if revealed != nil {
		c.Complainant, c.Revealed = *revealed, true
	}
	// paper.Options.QR is the seam for the receipt's QR code of the tracking link: until
	// an encoder is wired in, the receipt prints the link as text.
	pdf, err := paper.Render(c, k, paper.Options{})
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

// paperCase gathers what the documents print about a complaint the actor may see, names
// resolved, the complainant masked.
func (s *Server) paperCase(r *http.Request, actor tousu.Actor, number string) (*paper.Case, error) {
	ctx := r.Context()
	v, err := s.app.Get(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	evs, err := s.app.Events(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	atts, err := s.app.Attachments(ctx, actor, number)
	if err != nil {
		return nil, err
	}
	names, err := s.lookups(ctx, actor)
	if err != nil {
		return nil, err
	}
	office, err := s.officeFor(r, v.OwnerUnit)
	if err != nil {
		return nil, err
	}
	c := &paper.Case{
		Number: v.Number, Kind: v.Kind, Channel: v.Channel, Status: v.Status, Complainant: v.Complainant,
		Office: office.Name, Phone: office.Phone,
		TargetUnit: v.Target.UnitPath, TargetDescription: v.Target.Description,
		Matter: v.Matter, Request: v.Request, IncidentAt: v.IncidentAt, IncidentPlace: v.IncidentPlace,
		BusinessReceiptNo: v.BusinessReceiptNo, Written: v.Written,
		ReceivedAt: v.ReceivedAt, Due: v.DueDate, Deadline: v.Deadline,
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
	if base := s.app.Channels().PublicURL; base != "" {
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
	loc := s.app.Location()
	for _, a := range atts {
		a.CreatedAt = a.CreatedAt.In(loc)
		c.Attachments = append(c.Attachments, a)
	}
	return c, nil
}

// lookups are the names of units, staff, handlers and categories, for telling events.
func (s *Server) lookups(ctx context.Context, actor tousu.Actor) (lookups, error) {
	names := lookups{units: map[string]string{}, staff: map[string]string{}, handlers: map[string]string{}, cats: map[string]string{}}
	units, err := s.app.Units(ctx)
	if err != nil {
		return names, err
	}
	cats, err := s.app.Categories(ctx)
	if err != nil {
		return names, err
	}
	staff, err := s.app.Staff(ctx, "")
	if err != nil {
		return names, err
	}
	handlers, err := s.app.Handlers(ctx, actor)
	if err != nil {
		return names, err
	}
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
	return names, nil
}
