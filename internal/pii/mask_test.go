package pii

import (
	"testing"

	"tousu"
)

func TestMasks(t *testing.T) {
	tests := []struct {
		fn   string
		mask func(string) string
		in   string
		want string
	}{
		{"MaskName", MaskName, "张三", "张*"},
		{"MaskName", MaskName, "欧阳娜娜", "欧***"},
		{"MaskName", MaskName, "李", "*"},
		{"MaskName", MaskName, "John Smith", "J*********"},
		{"MaskName", MaskName, " 王小明 ", "王**"},
		{"MaskName", MaskName, "阿卜杜热合曼·买买提", "阿*********"},
		{"MaskName", MaskName, "", ""},

		{"MaskPhone", MaskPhone, "13812345678", "138****5678"},
		{"MaskPhone", MaskPhone, "+86 138-1234-5678", "138****5678"},
		{"MaskPhone", MaskPhone, "１３８１２３４５６７８", "138****5678"},
		{"MaskPhone", MaskPhone, "010-65123456", "010*******56"},
		{"MaskPhone", MaskPhone, "65123456", "65****56"},
		{"MaskPhone", MaskPhone, "6512345", "65****5"},
		{"MaskPhone", MaskPhone, "12345", "1***5"},
		{"MaskPhone", MaskPhone, "110", "1**"},
		{"MaskPhone", MaskPhone, "12", "1*"},
		{"MaskPhone", MaskPhone, "1", "*"},
		{"MaskPhone", MaskPhone, "", ""},

		{"MaskIDNumber", MaskIDNumber, "110101199003071234", "1101**********1234"},
		{"MaskIDNumber", MaskIDNumber, "11010119900307123X", "1101**********123X"},
		{"MaskIDNumber", MaskIDNumber, "110101900307123", "1101********123"},
		{"MaskIDNumber", MaskIDNumber, "E12345678", "E1*****78"},
		{"MaskIDNumber", MaskIDNumber, "1234", "1**4"},
		{"MaskIDNumber", MaskIDNumber, "", ""},

		{"MaskEmail", MaskEmail, "zhang.san@example.com", "z***@example.com"},
		{"MaskEmail", MaskEmail, "a@qq.com", "a***@qq.com"},
		{"MaskEmail", MaskEmail, "张三@例子.中国", "张***@例子.中国"},
		{"MaskEmail", MaskEmail, "@example.com", "***@example.com"},
		{"MaskEmail", MaskEmail, "zhangsan", "z***"},
		{"MaskEmail", MaskEmail, "", ""},

		{"MaskAddress", MaskAddress, "北京市朝阳区建国路88号", "北京市朝阳区****"},
		{"MaskAddress", MaskAddress, "广东省深圳市南山区科技园", "广东省深圳市****"},
		{"MaskAddress", MaskAddress, "北京市朝阳区1", "北京市朝阳区****"},
		{"MaskAddress", MaskAddress, "北京市朝阳区", "北京市****"},
		{"MaskAddress", MaskAddress, "幸福里3号", "幸福****"},
		{"MaskAddress", MaskAddress, "村", "****"},
		{"MaskAddress", MaskAddress, "", ""},

		{"MaskOrganization", MaskOrganization, "北京某某科技有限公司", "北京***"},
		{"MaskOrganization", MaskOrganization, "税务局", "税务***"},
		{"MaskOrganization", MaskOrganization, "某局", "某***"},
		{"MaskOrganization", MaskOrganization, "某", "***"},
		{"MaskOrganization", MaskOrganization, "ACME Ltd", "AC***"},
		{"MaskOrganization", MaskOrganization, "", ""},
	}
	for _, tt := range tests {
		if got := tt.mask(tt.in); got != tt.want {
			t.Errorf("%s(%q) = %q, want %q", tt.fn, tt.in, got, tt.want)
		}
	}
}

func TestMask(t *testing.T) {
	tests := []struct {
		name string
		in   tousu.Complainant
		want tousu.Complainant
	}{
		{
			name: "everything",
			in: tousu.Complainant{Name: "欧阳娜娜", Phone: "13812345678", Email: "zhang.san@example.com",
				IDNumber: "110101199003071234", Organization: "北京某某科技有限公司", Address: "北京市朝阳区建国路88号"},
			want: tousu.Complainant{Name: "欧***", Phone: "138****5678", Email: "z***@example.com",
				IDNumber: "1101**********1234", Organization: "北京***", Address: "北京市朝阳区****"},
		},
		{
			name: "anonymous, empty",
			in:   tousu.Complainant{Anonymous: true},
			want: tousu.Complainant{Anonymous: true},
		},
		{
			name: "anonymous with a phone",
			in:   tousu.Complainant{Anonymous: true, Phone: "13912345678"},
			want: tousu.Complainant{Anonymous: true, Phone: "139****5678"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Mask(tt.in); got != tt.want {
				t.Errorf("Mask(%+v)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
		})
	}
}

// Whatever the input, a mask must not show a mobile number or ID number whole.
func TestMaskNeverShowsWhole(t *testing.T) {
	for _, s := range []string{"13812345678", "110101199003071234", "65123456", "12", "1"} {
		for name, mask := range map[string]func(string) string{"MaskPhone": MaskPhone, "MaskIDNumber": MaskIDNumber} {
			if got := mask(s); got == s {
				t.Errorf("%s(%q) = %q, shows it whole", name, s, got)
			}
		}
	}
}
