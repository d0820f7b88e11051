package tousu

import "testing"

func TestNormalizePhone(t *testing.T) {
	for _, c := range []struct{ in, want string }{ // want "" = refused
		{"13812345678", "13812345678"},
		{" 138-1234-5678 ", "13812345678"},
		{"１３８１２３４５６７８", "13812345678"},
		{"+86 138 1234 5678", "13812345678"},
		{"008613812345678", "13812345678"},
		{"0571-87654321", "0571-87654321"},
		{"(0571) 8765 4321", "0571-87654321"},
		{"057187654321", "0571-87654321"},
		{"010-62345678", "010-62345678"},
		{"01062345678", "010-62345678"},
		{"020 8765 4321 转 8001", "020-87654321-8001"},
		{"0571-87654321-123", "0571-87654321-123"},
		{"+86 10 6234 5678", "010-62345678"},
		{"+852 2123 4567", "+85221234567"},
		{"+1 (415) 555-2671", "+14155552671"},
		{"1391234567", ""},
		{"138123456789", ""},
		{"12345678901", ""},
		{"87654321", ""},
		{"0571-123", ""},
		{"12345", ""},
		{"+0 123", ""},
		{"138abc45678", ""},
		{"", ""},
	} {
		got, ok := NormalizePhone(c.in)
		if c.want == "" {
			if ok {
				t.Errorf("NormalizePhone(%q) = %q, want refused", c.in, got)
			}
			continue
		}
		if !ok || got != c.want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

func TestValidName(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"张三", true}, {"欧阳娜娜", true}, {"阿卜杜·热合曼", true}, {"Zhang San", true},
		{"张三😀", false}, {"张\u200d三", false}, {"李\x07四", false}, {"王\ufe0f五", false}, {"★赵", false},
	} {
		if got := ValidName(c.in); got != c.want {
			t.Errorf("ValidName(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestAmendApplyTo(t *testing.T) {
	phone, unit := "13812345679", "win-2"
	r := Register{Complainant: Complainant{Name: "张三", Phone: "13812345678", Email: "a@example.com"},
		Target: Target{Unit: "win-1", Description: "蓝衣服"}, Matter: "原事项"}
	p := &AmendPayload{Reason: "更正", Complainant: &ComplainantPatch{Phone: &phone}, Target: &TargetPatch{Unit: &unit}}
	got := p.ApplyTo(r)
	if got.Complainant.Phone != phone || got.Complainant.Name != "张三" || got.Complainant.Email != "a@example.com" ||
		got.Target.Unit != unit || got.Target.Description != "蓝衣服" || got.Matter != "原事项" {
		t.Errorf("ApplyTo = %+v: nested objects must replace only the fields they name", got)
	}
	if err := (&AmendPayload{Reason: "更正"}).Validate(); FieldsOf(err)["reason"] == "" {
		t.Errorf("an amendment changing nothing: %v", err)
	}
}
