package web

import (
	"net/url"
	"time"

	"tousu"
	"tousu/internal/app"
)

func sampleDisposalItems() []app.DisposalItemView {
	return []app.DisposalItemView{{Number: "TS20260130-0001", Kind: tousu.KindComplaint, KindLabel: "投诉", Unit: "win-a1",
		UnitName: "社保1号窗口", ReceivedAt: sampleAt, ArchivedOn: tousu.MustDate("2026-03-02"), Class: app.Retain10Years,
		ClassLabel: "10年", RetainUntil: tousu.MustDate("2036-03-02"), Attachments: 1}}
}

func sampleDisposalsPage() disposalsPage {
	f := newForm(url.Values{"number": {"TS20260130-0001"}})
	f.refuse(tousu.Problems{"reason": "请填写"}.Err())
	decided := sampleAt.Add(48 * time.Hour)
	return disposalsPage{Common: sampleCommon, F: f, Candidates: sampleDisposalItems(), CanPropose: true,
		Disposals: []app.DisposalView{{ID: 1, Status: tousu.DisposalApproved, StatusLabel: "已批准销毁", Reason: "期满",
			ProposedBy: "supervisor", ProposedByName: "督查员", ProposedAt: sampleAt, DecidedBy: "leader", DecidedAt: &decided,
			Items: sampleDisposalItems()}}}
}

func sampleDisposalPage() disposalPage {
	return disposalPage{Common: sampleCommon, F: newForm(nil), CanDecide: true,
		D: &app.DisposalView{ID: 2, Status: tousu.DisposalProposed, StatusLabel: "待审批", Reason: "期满",
			ProposedBy: "supervisor", ProposedAt: sampleAt, Items: sampleDisposalItems()}}
}

func sampleAdminImport() adminImportPage {
	early := sampleAt.AddDate(-10, 0, 0)
	return adminImportPage{adminBase: sampleAdminBase("历史导入"), Columns: app.ImportColumns, FileName: "台账.csv", Encoding: "GB18030",
		Report: &app.ImportReport{DryRun: true, Rows: 3, Imported: 2, Refused: 1, Skipped: 1, Earliest: &early, Latest: &sampleAt,
			Problems: []app.ImportProblem{{Row: 3, Column: "收到时间", Message: "请填写收到时间"}}, Truncated: true}}
}
