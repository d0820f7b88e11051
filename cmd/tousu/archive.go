package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"tousu"
	"tousu/internal/app"
	"tousu/internal/archive"
	"tousu/internal/paper"
	"tousu/internal/web"
)

// archiveActor reads the cases for a transfer package: everything, read-only, with the
// complainants masked, as a leader at the root reads them. The archives office receives
// no identity in clear.
func archiveActor() tousu.Actor {
	return tousu.Actor{Login: "cli", Name: "命令行（档案移交）", Roles: []tousu.Role{tousu.RoleLeader}}
}

func (m *Main) archiveCommand(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "export":
			return m.archiveExport(ctx, args[1:])
		case "verify":
			return m.archiveVerify(ctx, args[1:])
		case "disposals":
			return m.archiveDisposals(ctx, args[1:])
		}
	}
	return usageError{"usage: tousu archive export --from DATE --to DATE DIR | tousu archive verify DIR | tousu archive disposals"}
}

// archiveExport writes the transfer package of the cases archived among those received
// from --from to --to (inclusive): description, catalogue, and per case the dossier,
// the JSON record and the evidence files; then the manifest of SHA-256 sums.
func (m *Main) archiveExport(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("archive export", &cfg)
	from := fs.String("from", "", "first day of receipt, YYYY-MM-DD")
	to := fs.String("to", "", "last day of receipt, YYYY-MM-DD")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"usage: tousu archive export --from DATE --to DATE DIR"}
	}
	fromD, err1 := tousu.ParseDate(*from)
	toD, err2 := tousu.ParseDate(*to)
	if err1 != nil || err2 != nil || toD.Before(fromD) {
		return usageError{"--from and --to must be dates YYYY-MM-DD, --to not before --from"}
	}
	dir := fs.Arg(0)
	w, err := archive.Create(dir)
	if err != nil {
		return err
	}
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	actor := archiveActor()
	period := fromD.String() + "/" + toD.String()
	// Audited before anything is read: a package that fails half-way was still made.
	if err := e.app.AuditArchive(ctx, actor, "archive.export", period, dir); err != nil {
		return err
	}
	now := e.app.Now()
	cat := archive.CatalogueXML{From: fromD.String(), To: toD.String(), Exported: now.Format(time.RFC3339)}
	q := app.ListQuery{Statuses: []tousu.Status{tousu.StatusArchived}, From: fromD, To: toD, Limit: 200}
	for {
		page, err := e.app.List(ctx, actor, q)
		if err != nil {
			return err
		}
		for _, v := range page.Items {
			cx, err := exportCase(ctx, e.app, actor, w, v)
			if err != nil {
				return fmt.Errorf("archive export %s: %w", v.Number, err)
			}
			cat.Cases = append(cat.Cases, cx)
		}
		if page.NextCursor == "" {
			break
		}
		q.Cursor = page.NextCursor
	}
	cat.Count = len(cat.Cases)
	raw, err := xml.MarshalIndent(cat, "", "  ")
	if err != nil {
		return err
	}
	if _, err := w.Write(archive.Catalogue, append([]byte(xml.Header), append(raw, '\n')...)); err != nil {
		return err
	}
	desc := fmt.Sprintf(`投诉件档案移交说明

移交范围：%s 至 %s 登记、已归档的投诉件，共 %d 件。
生成时间：%s（tousu archive export）。

目录结构：
  %s            案卷目录（XML），每件的元数据及其文件与 SHA-256 校验值
  cases/编号/dossier.pdf   案卷（卷内目录、各类文书、办理过程、处理决定及答复、证据材料清单）
  cases/编号/record.json   投诉件的完整数据记录（JSON）
  cases/编号/evidence/     证据材料原件
  %s     全部文件的 SHA-256 校验值

投诉人身份信息已按保密规定部分隐去。
校验方法：tousu archive verify 本目录；或在本目录运行 sha256sum -c %s。
`, fromD, toD, cat.Count, now.Format("2006-01-02 15:04:05 MST"), archive.Catalogue, archive.Manifest, archive.Manifest)
	if _, err := w.Write(archive.Description, []byte(desc)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "archive package written to %s: %d cases received %s to %s (audited)\n", dir, cat.Count, fromD, toD)
	return nil
}

// exportCase writes one case's files and returns its catalogue entry.
func exportCase(ctx context.Context, a *app.App, actor tousu.Actor, w *archive.Writer, v *app.ComplaintView) (archive.CaseXML, error) {
	base := "cases/" + v.Number + "/"
	c, err := web.PaperCase(ctx, a, actor, v.Number)
	if err != nil {
		return archive.CaseXML{}, err
	}
	cx := archive.CaseXML{Number: v.Number, Title: "关于" + clipRunes(v.Matter, 30) + "的" + v.KindLabel,
		Kind: archive.Coded{Code: string(v.Kind), Name: v.KindLabel}, Channel: archive.Coded{Code: string(v.Channel), Name: v.ChannelLabel},
		Status: archive.Coded{Code: string(v.Status), Name: v.StatusLabel}, Received: v.ReceivedAt.Format(time.RFC3339),
		Unit: archive.Coded{Code: v.Target.Unit, Name: v.Target.UnitPath}, Categories: v.CategoryLabels,
		Classification: archive.Coded{Code: string(v.Classification), Name: v.ClassificationLabel}, Satisfaction: v.Satisfaction}
	if v.Decision != nil {
		cx.Finding = archive.Coded{Code: string(v.Decision.Finding), Name: tousu.Findings.Label(v.Decision.Finding)}
	}
	if r := v.Retention; r != nil {
		cx.Retention = &archive.RetentionXML{Class: string(r.Class), LegalHold: r.Hold != nil, Name: r.ClassLabel}
		if r.RetainUntil != nil {
			cx.Retention.Until = r.RetainUntil.String()
		}
	}
	for i := len(c.Events) - 1; i >= 0; i-- {
		if c.Events[i].Type == tousu.EventType(tousu.ActArchive) {
			cx.Archived = c.Events[i].At.Format(time.RFC3339)
			break
		}
	}
	add := func(role, name, p string, data []byte) error {
		sum, err := w.Write(p, data)
		if err == nil {
			cx.Files = append(cx.Files, archive.FileXML{Role: role, Path: p, SHA256: sum, Name: name})
		}
		return err
	}
	pdf, err := paper.Render(c, paper.Dossier, paper.Options{})
	if err != nil {
		return cx, err
	}
	if err := add("dossier", "案卷", base+"dossier.pdf", pdf); err != nil {
		return cx, err
	}
	evs, err := a.Events(ctx, actor, v.Number)
	if err != nil {
		return cx, err
	}
	atts, err := a.Attachments(ctx, actor, v.Number)
	if err != nil {
		return cx, err
	}
	record, err := json.MarshalIndent(map[string]any{"complaint": v, "events": evs, "attachments": atts}, "", "  ")
	if err != nil {
		return cx, err
	}
	if err := add("record", "数据记录", base+"record.json", append(record, '\n')); err != nil {
		return cx, err
	}
	for _, at := range atts {
		f, err := a.OpenAttachment(ctx, actor, v.Number, at.ID) // audited, as every download is
		if err != nil {
			return cx, err
		}
		p := base + "evidence/" + strconv.FormatInt(at.ID, 10) + "-" + safeName(at.Name)
		if err := add("evidence", at.Name, p, f.Data); err != nil {
			return cx, err
		}
	}
	return cx, nil
}

// safeName keeps a file name to one path element.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < 0x20 {
			return '_'
		}
		return r
	}, path.Base(s))
	if s == "." || s == ".." || s == "" {
		return "file"
	}
	return s
}

func clipRunes(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) > n {
		return string(r[:n]) + "……"
	}
	return string(r)
}

// archiveVerify checks a transfer package; a fault is a non-zero exit naming the file.
// The check is audited when a database is at hand (--db), as the export was.
func (m *Main) archiveVerify(ctx context.Context, args []string) error {
	var cfg config
	fs := m.flags("archive verify", &cfg)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"usage: tousu archive verify DIR"}
	}
	dir := fs.Arg(0)
	rep, verr := archive.Verify(dir)
	e, err := m.open(ctx, cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	outcome := fmt.Sprintf("intact: %d files, %d cases", rep.Files, rep.Cases)
	if verr != nil {
		outcome = "broken: " + verr.Error()
	}
	if err := e.app.AuditArchive(ctx, archiveActor(), "archive.verify", dir, outcome); err != nil {
		return err
	}
	var broken *archive.Broken
	if errors.As(verr, &broken) {
		fmt.Fprintf(m.Stdout, "BROKEN: %s\n", broken)
		return fmt.Errorf("archive package %s is broken at %s", dir, broken.Path)
	}
	if verr != nil {
		return verr
	}
	fmt.Fprintf(m.Stdout, "archive package %s\n", outcome)
	return nil
}
