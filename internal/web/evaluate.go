package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/qr"
)

// The public rating page of 好差评 (issue 16): /evaluate?window=CODE[&staff=BADGE] opened
// from the window's QR code on a phone, or in kiosk (?kiosk=1, the hall's touch screen)
// or pad (?pad=1, the counter-top rater) mode; an SMS link may carry the transaction
// (&tx=办件编号&ch=sms). It works without JavaScript: the reasons show for 1–2 by CSS
// where the browser can, and always otherwise.

// evaluatePage is the view model of portal/evaluate.
type evaluatePage struct {
	portalBase
	W       *app.EvaluationWindow
	Levels  []tousu.Option[string]
	Reasons tousu.Vocabulary[string]
	F       *deskForm
	Action  string
	Pad     bool
	// Done is the rating just made: the page thanks the citizen instead of asking.
	Done *app.EvaluationView
	// Again is where a kiosk or pad goes for the next citizen.
	Again string
}

// evaluationLevels are the five levels, best first as the 好差评 rules list them.
var evaluationLevels = []tousu.Option[string]{{Value: "5", Label: "非常满意"}, {Value: "4", Label: "满意"},
	{Value: "3", Label: "基本满意"}, {Value: "2", Label: "不满意"}, {Value: "1", Label: "非常不满意"}}

// evaluateMode reads the page's mode and channel from its URL.
func evaluateMode(q url.Values) (pad bool, ch tousu.EvaluationChannel) {
	switch {
	case q.Get("pad") == "1":
		return true, tousu.EvalPad
	case q.Get("kiosk") == "1":
		return false, tousu.EvalKiosk
	case q.Get("ch") == "sms":
		return false, tousu.EvalSMS
	case q.Get("ch") == "web":
		return false, tousu.EvalWeb
	}
	return false, tousu.EvalQR
}

// evaluateURL is the page's own address for a window, keeping the mode.
func evaluateURL(window, staff string, q url.Values) string {
	v := url.Values{"window": {window}}
	if staff != "" {
		v.Set("staff", staff)
	}
	for _, k := range []string{"kiosk", "pad", "ch", "tx"} {
		if q.Get(k) != "" {
			v.Set(k, q.Get(k))
		}
	}
	return "/evaluate?" + v.Encode()
}

func (s *Server) evaluateVM(r *http.Request, w *app.EvaluationWindow, f *deskForm) (evaluatePage, error) {
	q := r.URL.Query()
	b, err := s.portalBase(r, "服务评价")
	if err != nil {
		s.log.Error("portal settings", "err", err)
	}
	pad, _ := evaluateMode(q)
	staff := ""
	if w.Staff != nil {
		staff = w.Staff.Badge
	}
	return evaluatePage{portalBase: b, W: w, Levels: evaluationLevels, Reasons: tousu.EvaluationReasons, F: f,
		Action: evaluateURL(w.Code, staff, q), Pad: pad, Again: evaluateURL(w.Code, staff, q)}, nil
}

// evaluateForm is GET /evaluate.
func (s *Server) evaluateForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	win, err := s.app.EvaluationTarget(r.Context(), q.Get("window"), q.Get("staff"))
	if err != nil {
		return err
	}
	vm, _ := s.evaluateVM(r, win, newForm(url.Values{"transaction_no": {q.Get("tx")}}))
	return s.render(w, r, http.StatusOK, "portal/evaluate", vm)
}

// evaluateSubmit is POST /evaluate: the rating, or the form again with each field's error.
func (s *Server) evaluateSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := s.limit(s.evaluate, w, r); err != nil {
		return err
	}
	vals, err := readForm(w, r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	win, err := s.app.EvaluationTarget(r.Context(), q.Get("window"), q.Get("staff"))
	if err != nil {
		return err
	}
	_, ch := evaluateMode(q)
	in := app.Rate{Window: win.Code, Reasons: vals["reasons"], Comment: vals.Get("comment"),
		TransactionNo: vals.Get("transaction_no"), Item: vals.Get("item"), Channel: ch, Phone: vals.Get("phone")}
	if win.Staff != nil {
		in.Staff = win.Staff.Badge
	}
	f := newForm(vals)
	if lv := vals.Get("level"); lv != "" {
		in.Level, err = strconv.Atoi(lv)
		if err != nil {
			in.Level = -1
		}
	}
	v, err := s.app.Evaluate(r.Context(), in)
	if err != nil {
		if len(tousu.FieldsOf(err)) == 0 {
			return err
		}
		f.refuse(err)
		vm, _ := s.evaluateVM(r, win, f)
		return s.render(w, r, refusal(err), "portal/evaluate", vm)
	}
	vm, _ := s.evaluateVM(r, win, f)
	vm.Done = v
	vm.Title = "感谢您的评价"
	if vm.Pad || vm.Kiosk {
		// The counter's pad and the hall's screen wait for the next citizen without a tap.
		w.Header().Set("Refresh", "8; url="+vm.Again)
	}
	return s.render(w, r, http.StatusOK, "portal/evaluate", vm)
}

// evaluateQR is GET /evaluate/qr.svg?window=CODE[&staff=BADGE]: the QR code of the
// window's rating page, under TOUSU_PUBLIC_URL when set (as printed receipts are).
func (s *Server) evaluateQR(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	win, err := s.app.EvaluationTarget(r.Context(), q.Get("window"), q.Get("staff"))
	if err != nil {
		return err
	}
	staff := ""
	if win.Staff != nil {
		staff = win.Staff.Badge
	}
	svg, err := qr.SVG(s.evaluateLink(r, win.Code, staff), 4)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err = w.Write([]byte(svg))
	return err
}

// evaluateLink is the full address of a window's rating page, as its QR code holds it.
func (s *Server) evaluateLink(r *http.Request, window, staff string) string {
	base := strings.TrimRight(s.app.Channels().PublicURL, "/")
	if base == "" {
		base = siteURL(r)
	}
	return base + evaluateURL(window, staff, nil)
}
