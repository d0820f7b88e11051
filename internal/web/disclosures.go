package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tousu"
	"tousu/internal/app"
)

// Public disclosure (公示): the API for staff and the public, the desk's pages to prepare,
// review and publish, and the public's phone-first pages (/disclosure).

// disclosureID reads the {id} of a path; a bad one is not found.
func disclosureID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, tousu.Errorf(tousu.KindNotFound, "没有这个公示")
	}
	return id, nil
}

// createDisclosure is POST /api/v1/disclosures {"period", "unit"}: a draft.
func (s *Server) createDisclosure(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	var in struct {
		Period string `json:"period"`
		Unit   string `json:"unit"`
	}
	if err := decode(w, r, &in, false); err != nil {
		return err
	}
	d, err := s.app.PrepareDisclosure(withClient(r), actor, in.Period, in.Unit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, d)
	return nil
}

// listDisclosures is GET /api/v1/disclosures: drafts and versions within the scope.
func (s *Server) listDisclosures(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	ds, err := s.app.Disclosures(r.Context(), actor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": ds})
	return nil
}

// getDisclosure is GET /api/v1/disclosures/{id}.
func (s *Server) getDisclosure(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := disclosureID(r)
	if err != nil {
		return err
	}
	d, err := s.app.Disclosure(r.Context(), actor, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// reviseDisclosure is PUT /api/v1/disclosures/{id} {"summaries", "changes"} on a draft.
func (s *Server) reviseDisclosure(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := disclosureID(r)
	if err != nil {
		return err
	}
	var rv app.DisclosureRevision
	if err := decode(w, r, &rv, false); err != nil {
		return err
	}
	d, err := s.app.ReviseDisclosure(withClient(r), actor, id, rv)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// publishDisclosure is POST /api/v1/disclosures/{id}/publish.
func (s *Server) publishDisclosure(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := disclosureID(r)
	if err != nil {
		return err
	}
	d, err := s.app.PublishDisclosure(withClient(r), actor, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// publicDisclosures is GET /api/v1/public/disclosures: every published version, the
// latest first; ?period= narrows to one period.
func (s *Server) publicDisclosures(w http.ResponseWriter, r *http.Request) error {
	if err := s.limit(s.track, w, r); err != nil {
		return err
	}
	if err := unknownParams(r, []string{"period"}); err != nil {
		return err
	}
	ds, err := s.app.PublicDisclosures(r.Context())
	if err != nil {
		return err
	}
	if p := r.URL.Query().Get("period"); p != "" {
		kept := ds[:0]
		for _, d := range ds {
			if d.Period == p {
				kept = append(kept, d)
			}
		}
		ds = kept
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": ds})
	return nil
}

// publicDisclosure is GET /api/v1/public/disclosures/{id}: one published version.
func (s *Server) publicDisclosure(w http.ResponseWriter, r *http.Request) error {
	if err := s.limit(s.track, w, r); err != nil {
		return err
	}
	id, err := disclosureID(r)
	if err != nil {
		return err
	}
	d, err := s.app.PublicDisclosure(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// ── Desk ─────────────────────────────────────────────────────────────────────────────

// disclosuresPage is the view model of /desk/disclosures.
type disclosuresPage struct {
	Common
	Items      []tousu.Disclosure
	CanPrepare bool
	F          *deskForm
	Units      []deskOption
}

// disclosurePage is the view model of /desk/disclosures/{id}.
type disclosurePage struct {
	Common
	D          *tousu.Disclosure
	CanPublish bool
	F          *deskForm
	PublicURL  string
}

func (s *Server) deskDisclosures(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	return s.renderDisclosures(w, r, actor, newForm(url.Values{"period": {app.PeriodOf("month", s.app.Today()).Previous().Key}}), http.StatusOK)
}

func (s *Server) renderDisclosures(w http.ResponseWriter, r *http.Request, actor tousu.Actor, f *deskForm, code int) error {
	ds, err := s.app.Disclosures(r.Context(), actor)
	if err != nil {
		return err
	}
	units, err := s.app.Units(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, code, "desk/disclosures", disclosuresPage{Common: s.deskView(r, actor, "结果公示"), Items: ds,
		CanPrepare: app.CanPrepareDisclosure(actor) == nil, F: f, Units: unitOptions(units)})
}

// deskPrepareDisclosure is POST /desk/disclosures: a draft, then its review page.
func (s *Server) deskPrepareDisclosure(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	d, err := s.app.PrepareDisclosure(withClient(r), actor, strings.TrimSpace(form.Get("period")), form.Get("unit"))
	if tousu.IsKind(err, tousu.KindInvalid) {
		f := newForm(form)
		f.refuse(err)
		return s.renderDisclosures(w, r, actor, f, refusal(err))
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(w, r, "/desk/disclosures/"+strconv.FormatInt(d.ID, 10), "公示草稿已生成，请审核各件公开摘要后发布")
}

func (s *Server) deskDisclosure(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := disclosureID(r)
	if err != nil {
		return err
	}
	d, err := s.app.Disclosure(r.Context(), actor, id)
	if err != nil {
		return err
	}
	return s.renderDisclosure(w, r, actor, d, newForm(nil), http.StatusOK)
}

func (s *Server) renderDisclosure(w http.ResponseWriter, r *http.Request, actor tousu.Actor, d *tousu.Disclosure, f *deskForm, code int) error {
	vm := disclosurePage{Common: s.deskView(r, actor, d.Content.Title), D: d, F: f,
		CanPublish: app.CanPrepareDisclosure(actor) == nil && d.Status == tousu.DisclosureDraft}
	if d.Status == tousu.DisclosurePublished {
		vm.PublicURL = "/disclosure/" + strconv.FormatInt(d.ID, 10)
	}
	return s.render(w, r, code, "desk/disclosure", vm)
}

// deskReviseDisclosure is POST /desk/disclosures/{id}: the summaries and changes; with
// publish=1, then publishes.
func (s *Server) deskReviseDisclosure(w http.ResponseWriter, r *http.Request, actor tousu.Actor) error {
	id, err := disclosureID(r)
	if err != nil {
		return err
	}
	form, err := readForm(w, r)
	if err != nil {
		return err
	}
	rv := app.DisclosureRevision{Summaries: map[string]string{}}
	for k, v := range form {
		if n, ok := strings.CutPrefix(k, "summary."); ok && len(v) > 0 {
			rv.Summaries[n] = v[0]
		}
	}
	if _, ok := form["changes"]; ok {
		ch := form.Get("changes")
		rv.Changes = &ch
	}
	d, err := s.app.ReviseDisclosure(withClient(r), actor, id, rv)
	if err == nil && form.Get("publish") == "1" {
		d, err = s.app.PublishDisclosure(withClient(r), actor, id)
	}
	if tousu.IsKind(err, tousu.KindInvalid) || tousu.IsKind(err, tousu.KindConflict) {
		cur, lerr := s.app.Disclosure(r.Context(), actor, id)
		if lerr != nil {
			return lerr
		}
		f := newForm(form)
		f.refuse(err)
		return s.renderDisclosure(w, r, actor, cur, f, refusal(err))
	}
	if err != nil {
		return err
	}
	msg := "已保存"
	if d.Status == tousu.DisclosurePublished {
		msg = "已发布第" + strconv.Itoa(d.Version) + "版公示"
	}
	return s.redirectFlash(w, r, "/desk/disclosures/"+strconv.FormatInt(id, 10), msg)
}

// ── The public's pages ───────────────────────────────────────────────────────────────

// publicDisclosuresPage is the view model of /disclosure and /disclosure/{id}.
type publicDisclosurePage struct {
	portalBase
	Items    []tousu.Disclosure // the list: the latest version of each period and unit
	D        *tousu.Disclosure  // one disclosure
	Versions []tousu.Disclosure // its period's versions, latest first
}

func (s *Server) disclosureIndex(w http.ResponseWriter, r *http.Request) error {
	if err := s.limit(s.track, w, r); err != nil {
		return err
	}
	b, err := s.portalBase(r, "结果公示")
	if err != nil {
		return err
	}
	all, err := s.app.PublicDisclosures(r.Context())
	if err != nil {
		return err
	}
	vm := publicDisclosurePage{portalBase: b}
	seen := map[string]bool{}
	for _, d := range all {
		if k := d.Period + "|" + d.Unit; !seen[k] {
			seen[k] = true
			vm.Items = append(vm.Items, d)
		}
	}
	return s.render(w, r, http.StatusOK, "portal/disclosure", vm)
}

func (s *Server) disclosureShow(w http.ResponseWriter, r *http.Request) error {
	if err := s.limit(s.track, w, r); err != nil {
		return err
	}
	id, err := disclosureID(r)
	if err != nil {
		return err
	}
	d, err := s.app.PublicDisclosure(r.Context(), id)
	if err != nil {
		return err
	}
	b, err := s.portalBase(r, d.Content.Title)
	if err != nil {
		return err
	}
	all, err := s.app.PublicDisclosures(r.Context())
	if err != nil {
		return err
	}
	vm := publicDisclosurePage{portalBase: b, D: d}
	for _, o := range all {
		if o.Period == d.Period && o.Unit == d.Unit {
			vm.Versions = append(vm.Versions, o)
		}
	}
	return s.render(w, r, http.StatusOK, "portal/disclosure", vm)
}

// disclosureGuidePage is the view model of /disclosure/guide (如何解读).
type disclosureGuidePage struct {
	portalBase
	MinSample, MinRank int
	Definitions        []app.StatDefinition
}

func (s *Server) disclosureGuide(w http.ResponseWriter, r *http.Request) error {
	b, err := s.portalBase(r, "如何解读公示数据")
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "portal/disclosure_guide", disclosureGuidePage{portalBase: b,
		MinSample: app.DisclosureMinSample, MinRank: app.DisclosureMinRank, Definitions: app.StatDefinitions})
}

// ratePct is a published rate as a percentage, "—" for none.
func ratePct(r *tousu.Rate) string {
	if r == nil {
		return "—"
	}
	return strconv.FormatFloat(r.Value*100, 'f', 1, 64) + "%"
}

// rateRange is a published rate's 95% interval, "" for none.
func rateRange(r *tousu.Rate) string {
	if r == nil {
		return ""
	}
	return strconv.FormatFloat(r.Low*100, 'f', 1, 64) + "%–" + strconv.FormatFloat(r.High*100, 'f', 1, 64) + "%"
}
