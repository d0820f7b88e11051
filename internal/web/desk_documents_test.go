package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"tousu"
)

// pdfText is the text of a PDF answer with the layout's spaces removed; the test skips
// loudly when poppler's pdftotext is not installed (CI installs it).
func pdfText(t *testing.T, what string, p page) string {
	t.Helper()
	if p.code != http.StatusOK || !strings.HasPrefix(p.body, "%PDF-") {
		t.Fatalf("%s: %d, want a PDF: %s", what, p.code, clipBody(p.body))
	}
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("SKIP: pdftotext (poppler-utils) is not installed; the PDFs' text is not checked")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, []byte(p.body), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, path, "-").Output()
	if err != nil {
		t.Fatalf("%s: pdftotext: %v", what, err)
	}
	return strings.Join(strings.Fields(string(out)), "")
}

func TestDeskDocuments(t *testing.T) {
	e := newEnv(t)
	number := e.register(func(b map[string]any) { b["target"].(map[string]any)["staff"] = "A001" })
	doc := func(kind string) string { return "/desk/complaints/" + number + "/documents/" + kind + ".pdf" }
	clerk, super := e.signIn("clerk"), e.signIn("supervisor")

	// Printed for the file, the complainant is masked.
	reg := pdfText(t, "registration form", clerk.get(doc("registration")))
	for _, w := range []string{"投诉登记表", number, "张*", "态度生硬", "处理情况", "投诉人（签字）"} {
		if !strings.Contains(reg, w) {
			t.Errorf("registration form lacks %q:\n%s", w, reg)
		}
	}
	if strings.Contains(reg, "张三") || strings.Contains(reg, "13812345678") {
		t.Errorf("registration form printed without a reveal shows the identity:\n%s", reg)
	}

	// Whoever may not see the case may not print it: the staff member complained about
	// (recusal), a handler of another unit, an admin without a case role.
	for _, who := range []string{"target", "handler-b", "admin"} {
		if p := e.signIn(who).get(doc("registration")); p.code == http.StatusOK || strings.HasPrefix(p.body, "%PDF") {
			t.Errorf("%s printed the registration form: %d", who, p.code)
		}
	}
	// Documents that do not exist, or not yet for this case.
	for _, file := range []string{"nothing.pdf", "registration", "rejection.pdf", "result.pdf"} {
		if p := clerk.get("/desk/complaints/" + number + "/documents/" + file); p.code != http.StatusNotFound {
			t.Errorf("GET documents/%s: %d, want 404", file, p.code)
		}
	}

	// The case page links the documents the case has; only a role that may reveal is
	// offered the print with the identity in clear.
	cp := clerk.get("/desk/complaints/" + number)
	mustContain(t, "case page", cp, doc("registration"), doc("receipt"), doc("record"), doc("dossier"))
	if strings.Contains(cp.body, doc("result")) || strings.Contains(cp.body, "print-reason") {
		t.Errorf("clerk's case page offers the result notice or the print with the identity")
	}
	mustContain(t, "supervisor's case page", super.get("/desk/complaints/"+number), `id="print-reason"`)

	// For the complainant to sign: in clear, after a reason, audited.
	p := super.post(doc("registration"), url.Values{"reason": {""}})
	if p.code != http.StatusUnprocessableEntity || strings.HasPrefix(p.body, "%PDF") {
		t.Errorf("print in clear without a reason: %d, want 422 and the case page", p.code)
	}
	mustContain(t, "refused print", p, "请填写查看投诉人身份的理由")
	if p := clerk.post(doc("registration"), url.Values{"reason": {"投诉人现场核对签字"}}); p.code != http.StatusForbidden ||
		strings.HasPrefix(p.body, "%PDF") {
		t.Errorf("clerk printed the identity in clear: %d", p.code)
	}
	clear := pdfText(t, "revealed form", super.post(doc("registration"), url.Values{"reason": {"投诉人现场核对签字"}}))
	if !strings.Contains(clear, "张三") || !strings.Contains(clear, "13812345678") {
		t.Errorf("revealed registration form does not show the identity:\n%s", clear)
	}
	reveals, err := e.store.SearchAudit(context.Background(), tousu.AuditFilter{Action: "reveal", Object: number})
	if err != nil || len(reveals) != 1 || reveals[0].Actor != "supervisor" || reveals[0].Detail != "投诉人现场核对签字" {
		t.Errorf("reveal audit = %+v, %v; want one by supervisor with the reason", reveals, err)
	}
	prints, err := e.store.SearchAudit(context.Background(), tousu.AuditFilter{Action: "print", Object: number})
	if err != nil || len(prints) != 2 {
		t.Errorf("print audit = %d records, %v; want 2 (clerk's and supervisor's prints)", len(prints), err)
	}

	// On to the end: resolved on site, closed, archived; the result notice appears.
	e.act(number, "accept", "supervisor", map[string]any{"classification": "onsite", "categories": []string{"attitude"}}, http.StatusOK)
	e.act(number, "resolve", "supervisor", map[string]any{"finding": "founded", "measures": []string{"criticism"},
		"staff": []string{"A001"}, "improvement": "窗口实行一次性告知。", "process": "当场调看录像并约谈窗口人员。",
		"result": "情况属实，已当面致歉并一次性告知所需材料。", "channel": "visit"}, http.StatusOK)
	e.act(number, "close", "supervisor", map[string]any{"note": "已当面答复"}, http.StatusOK)
	e.act(number, "archive", "supervisor", map[string]any{}, http.StatusOK)
	res := pdfText(t, "result notice", clerk.get(doc("result")))
	for _, w := range []string{"处理结果告知书", "一、处理经过", "当场调看录像", "经核查，您反映的问题属实", "三、改进措施", "一次性告知"} {
		if !strings.Contains(res, w) {
			t.Errorf("result notice lacks %q:\n%s", w, res)
		}
	}

	// The archived case's dossier is the same, byte for byte, however often it is printed.
	e.clock.Set(e.clock.Now().AddDate(0, 1, 0))
	a, b := clerk.get(doc("dossier")), clerk.get(doc("dossier"))
	if a.code != http.StatusOK || a.body != b.body {
		t.Errorf("archived dossier printed twice differs (%d, %d bytes)", len(a.body), len(b.body))
	}
	dossier := pdfText(t, "dossier", a)
	for _, w := range []string{"卷内目录", "投诉登记表", "受理回执", "群众举报投诉记录", "处理结果告知书", "办理过程记录",
		"现场协调办结", "归档", "证据材料清单", "王窗口（A001）"} {
		if !strings.Contains(dossier, w) {
			t.Errorf("dossier lacks %q", w)
		}
	}
	if strings.Contains(dossier, "张三") {
		t.Errorf("dossier shows the identity in clear")
	}
}

// TestReceiptQR reads the printed receipt's QR code back, as a phone would: the PDF is
// rasterised (poppler's pdftoppm) and decoded (zbar's zbarimg); it must lead to the
// case's tracking page. Skips loudly without the tools (CI installs both).
func TestReceiptQR(t *testing.T) {
	toppm, err1 := exec.LookPath("pdftoppm")
	zbar, err2 := exec.LookPath("zbarimg")
	if err1 != nil || err2 != nil {
		t.Skip("SKIP: pdftoppm (poppler-utils) or zbarimg (zbar-tools) is not installed; the receipt's QR code is not read back")
	}
	e := newEnv(t)
	number := e.register(nil)
	p := e.signIn("clerk").get("/desk/complaints/" + number + "/documents/receipt.pdf")
	if p.code != http.StatusOK || !strings.HasPrefix(p.body, "%PDF-") {
		t.Fatalf("receipt: %d, want a PDF: %s", p.code, clipBody(p.body))
	}
	dir := t.TempDir()
	pdf := filepath.Join(dir, "receipt.pdf")
	if err := os.WriteFile(pdf, []byte(p.body), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(toppm, "-r", "150", "-png", "-singlefile", pdf, filepath.Join(dir, "receipt")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	out, err := exec.Command(zbar, "--quiet", "--raw", filepath.Join(dir, "receipt.png")).Output()
	if err != nil {
		t.Fatalf("zbarimg found no QR code on the printed receipt: %v", err)
	}
	if got := strings.TrimSpace(string(out)); !strings.HasSuffix(got, "/track?number="+number) {
		t.Errorf("the receipt's QR code reads %q, want the tracking link of %s", got, number)
	}
}
