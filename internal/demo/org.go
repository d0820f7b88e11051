package demo

import "tousu"

// The demo organisation: a district government service centre with its supervision
// office, a comprehensive reception window and six departments of two or three windows
// each. All names, addresses and telephone numbers are invented.

// CentreCode is the unit code of the demo centre. Its existence is what makes Load skip.
const CentreCode = "hx-center"

// Unit codes Load refers to by name.
const (
	officeCode    = "hx-ducha"
	receptionCode = "hx-zhsl"
)

const officeHours = "周一至周五 上午9:00-12:00，下午13:30-17:30（法定节假日除外）"

// window is a service window with the business it handles, for the complaint texts.
type window struct {
	code, name string // name as published, e.g. "6号窗口 不动产转移登记"
	short      string // "6号窗口"
	services   string // the published service standard (REQUIREMENTS F3)
	items      []string
	staff      []string // badges of the people working it
}

// department is a unit stationed in the centre, with the vocabulary its complaints use.
type department struct {
	code, name string
	short      string // how a citizen names it: "不动产登记中心"
	services   string
	floor      string
	windows    []*window
	materials  []string
	head       string // badge of the department head
	handler    string // login of its handler account, "" when it has none
	partner    string // the window it pushes people to and back from (推诿)
	partnerDo  string // what the partner window is said to have to do first
	hq         string // where its own office is (一门受理 complaints)
	mistakes   [][2]string
	impact     string // what an overdue case keeps the citizen from
	cause      string // why a case went overdue, as found
	promise    int    // promised working days quoted in overdue complaints
	receipt    string // prefix of its business receipt numbers
	weight     int    // share of the complaints about it
	machine    string // its self-service machine in the hall
}

// hall stands for the centre itself: the hall's facilities, the reception window and the
// centre's own rules. It is not a unit of its own (its code is the centre's).
var hall = &department{
	code: CentreCode, name: "和平区政务服务中心", short: "政务服务中心", floor: "一楼",
	windows: []*window{{code: receptionCode, name: "综合受理窗口", short: "综合受理窗口",
		items: []string{"企业开办“一件事”", "新生儿出生“一件事”", "退休“一件事”"}, staff: []string{"HX0001", "HX0002", "HX0003"}}},
	materials: []string{"身份证复印件", "授权委托书", "申请表"},
	head:      "HX0001", weight: 6,
}

var departments = []*department{
	{
		code: "hx-rs", name: "区人社局（社会保险）", short: "人社局", floor: "一楼",
		services: "社会保险参保缴费、养老保险待遇、就业失业登记等事项，进驻中心一楼1—3号窗口。",
		windows: []*window{
			{code: "hx-rs-01", name: "1号窗口 社保参保登记", short: "1号窗口",
				services: "办理事项：社会保险参保登记、停保、增减员；缴费基数申报；参保缴费证明打印；社会保障卡申领、补换。\n办理时限：资料齐全的即办；社保卡补换10个工作日。\n服务标准：一次性告知所需材料；不收取任何费用。",
				items:    []string{"社保参保登记", "社保卡补办", "参保缴费证明打印", "单位职工增员"}, staff: []string{"HX0102", "HX0103"}},
			{code: "hx-rs-02", name: "2号窗口 养老保险待遇", short: "2号窗口",
				services: "办理事项：养老金领取资格认证；退休（职）待遇核定；个人账户一次性支付；养老保险关系转移接续。\n办理时限：待遇核定20个工作日；转移接续15个工作日（跨省45个工作日）。\n服务标准：资料齐全当场受理并出具受理回执。",
				items:    []string{"养老金领取资格认证", "退休待遇核定", "养老保险关系转移", "个人账户一次性支付"}, staff: []string{"HX0104", "HX0105"}},
			{code: "hx-rs-03", name: "3号窗口 就业失业登记", short: "3号窗口",
				services: "办理事项：就业失业登记；失业保险金申领；灵活就业人员社保补贴申领；就业创业证办理。\n办理时限：失业保险金申领5个工作日，其余即办。\n服务标准：首问负责、一次性告知。",
				items:    []string{"失业登记", "失业保险金申领", "灵活就业社保补贴申领", "就业创业证申领"}, staff: []string{"HX0106", "HX0107"}},
		},
		materials: []string{"身份证复印件", "户口簿首页复印件", "劳动合同", "解除劳动合同证明", "银行卡复印件", "近期一寸照片", "原单位出具的离职证明"},
		head:      "HX0101", handler: "handler-rs",
		partner: "税务窗口", partnerDo: "先核定缴费信息", hq: "建设路的区人社局大楼",
		mistakes: [][2]string{{"身份证号码中的一位数字", "社保卡制卡失败"}, {"参保险种", "单位无法正常申报缴费"}},
		impact:   "按时享受社保待遇", cause: "窗口受理后未及时将材料流转至后台审核", promise: 20, receipt: "RS", weight: 24,
		machine: "社保自助打印机",
	},
	{
		code: "hx-yb", name: "区医疗保障局", short: "医保局", floor: "一楼",
		services: "城乡居民医保参保、医保关系转移接续、异地就医备案、医疗费用报销等事项，进驻中心一楼4—5号窗口。",
		windows: []*window{
			{code: "hx-yb-04", name: "4号窗口 医保参保与转移接续", short: "4号窗口",
				services: "办理事项：城乡居民医保参保登记；职工医保关系转移接续；异地就医备案。\n办理时限：参保登记、异地就医备案即办；转移接续15个工作日。\n服务标准：异地就医备案可网上办理，无需到现场。",
				items:    []string{"城乡居民医保参保", "异地就医备案", "医保关系转移接续"}, staff: []string{"HX0202", "HX0203"}},
			{code: "hx-yb-05", name: "5号窗口 医疗费用报销", short: "5号窗口",
				services: "办理事项：医疗费用零星报销（手工报销）；门诊慢特病待遇认定；生育津贴申领。\n办理时限：零星报销20个工作日内支付到账；慢特病认定10个工作日。\n服务标准：一次性告知所需材料；不收取任何费用。",
				items:    []string{"医疗费用零星报销", "门诊慢特病认定", "生育津贴申领"}, staff: []string{"HX0204", "HX0205"}},
		},
		materials: []string{"住院病历复印件", "费用明细清单", "出院小结", "诊断证明书", "医疗费发票原件", "异地居住证明", "结婚证复印件"},
		head:      "HX0201", handler: "handler-yb",
		partner: "人社窗口", partnerDo: "先办理社保停保", hq: "友谊路的区医保局",
		mistakes: [][2]string{{"银行账号", "报销款一直打不进卡里"}, {"参保身份", "住院报销比例按错误的档次计算"}},
		impact:   "报销住院费用", cause: "审核人员休假期间未安排AB岗接替", promise: 20, receipt: "YB", weight: 16,
		machine: "医保自助服务终端",
	},
	{
		code: "hx-bdc", name: "区不动产登记中心", short: "不动产登记中心", floor: "二楼",
		services: "不动产转移、抵押登记，证书领取和登记信息查询，进驻中心二楼6—8号窗口。",
		windows: []*window{
			{code: "hx-bdc-06", name: "6号窗口 不动产转移登记", short: "6号窗口",
				services: "办理事项：二手房买卖、赠与、继承转移登记；预告登记。\n办理时限：一般转移登记5个工作日；继承登记20个工作日。\n收费标准：住宅登记费80元/件（含第一本证书），按规定收取并出具票据，其他一律不收费。",
				items:    []string{"二手房转移登记", "继承转移登记", "赠与过户"}, staff: []string{"HX0302", "HX0303"}},
			{code: "hx-bdc-07", name: "7号窗口 抵押登记", short: "7号窗口",
				services: "办理事项：不动产抵押权首次登记、变更登记、注销登记。\n办理时限：抵押登记3个工作日；注销登记即办。\n服务标准：银行可线上申请，群众少跑腿。",
				items:    []string{"抵押登记", "抵押注销登记"}, staff: []string{"HX0304"}},
			{code: "hx-bdc-08", name: "8号窗口 证书领取与信息查询", short: "8号窗口",
				services: "办理事项：不动产权证书、登记证明领取；不动产登记信息查询（本人持身份证）；证书补换。\n办理时限：查询即办；补证10个工作日（不含公告期）。\n服务标准：查询结果当场打印，不收费。",
				items:    []string{"不动产权证书领取", "不动产登记信息查询", "不动产权证书补办"}, staff: []string{"HX0305", "HX0306"}},
		},
		materials: []string{"购房合同", "婚姻关系证明", "继承公证书", "完税凭证", "房屋测绘报告", "户口簿", "授权委托书"},
		head:      "HX0301", handler: "handler-bdc",
		partner: "税务窗口", partnerDo: "先缴纳契税", hq: "中山路的区不动产登记大楼",
		mistakes: [][2]string{{"共有人份额", "证书上只打印了一个人的名字"}, {"房屋坐落的门牌号", "证书和房本信息对不上"}},
		impact:   "办理按揭贷款", cause: "需补充调取历史档案，窗口未及时告知申请人", promise: 5, receipt: "BDC", weight: 20,
		machine: "不动产登记自助查询机",
	},
	{
		code: "hx-hz", name: "区公安分局户政窗口", short: "户政窗口", floor: "三楼",
		services: "户籍业务和居民身份证办理，进驻中心三楼9—10号窗口。",
		windows: []*window{
			{code: "hx-hz-09", name: "9号窗口 户籍业务", short: "9号窗口",
				services: "办理事项：出生登记、迁入迁出、死亡注销登记；户口簿补换；户籍证明开具。\n办理时限：出生登记、户口簿补换即办；投靠迁入20个工作日。\n服务标准：首问负责，材料不全的出具一次性告知单。",
				items:    []string{"新生儿落户", "投靠迁入", "户口簿补办", "户籍证明开具"}, staff: []string{"HX0402", "HX0403"}},
			{code: "hx-hz-10", name: "10号窗口 居民身份证", short: "10号窗口",
				services: "办理事项：居民身份证首次申领、换领、补领；临时居民身份证。\n办理时限：制证20个工作日（加急7个工作日）；临时身份证当日。\n收费标准：换领20元、补领40元、临时身份证10元；首次申领免费。",
				items:    []string{"身份证换领", "身份证补领", "临时身份证申领"}, staff: []string{"HX0404", "HX0405"}},
		},
		materials: []string{"出生医学证明", "父母结婚证", "房屋产权证明", "单位接收证明", "户口迁移证", "户口簿原件"},
		head:      "HX0401",
		partner:   "派出所", partnerDo: "先开具户籍证明", hq: "胜利街的分局户政科",
		mistakes: [][2]string{{"出生日期", "户口簿上的信息和出生医学证明不一致"}, {"曾用名", "孩子的学籍信息无法核对"}},
		impact:   "给孩子办理入学报名", cause: "迁入审批需市局复核，窗口未主动告知进度", promise: 20, receipt: "HZ", weight: 14,
		machine: "身份证自助拍照机",
	},
	{
		code: "hx-sc", name: "区市场监管局", short: "市场监管局", floor: "三楼",
		services: "企业和个体工商户登记注册、食品经营许可，进驻中心三楼11—12号窗口。",
		windows: []*window{
			{code: "hx-sc-11", name: "11号窗口 企业登记注册", short: "11号窗口",
				services: "办理事项：企业设立、变更、注销登记；个体工商户登记。\n办理时限：材料齐全的即时办结，最长不超过1个工作日。\n服务标准：营业执照免费发放，可邮寄送达。",
				items:    []string{"个体工商户登记", "公司设立登记", "公司地址变更", "公司注销登记"}, staff: []string{"HX0502", "HX0503"}},
			{code: "hx-sc-12", name: "12号窗口 食品经营许可", short: "12号窗口",
				services: "办理事项：食品经营许可新办、变更、延续；小餐饮登记。\n办理时限：10个工作日（需现场核查的，核查后当场作出决定）。\n服务标准：不收取任何费用。",
				items:    []string{"食品经营许可证新办", "食品经营许可证延续", "小餐饮登记"}, staff: []string{"HX0504"}},
		},
		materials: []string{"房屋租赁合同", "房屋产权证明", "股东会决议", "从业人员健康证明", "经营场所平面布局图", "法定代表人签字页"},
		head:      "HX0501",
		partner:   "税务窗口", partnerDo: "先办理清税证明", hq: "文化街的区市场监管局机关",
		mistakes: [][2]string{{"经营范围", "营业执照上少了主营项目"}, {"法定代表人姓名中的一个字", "银行开户时被退了回来"}},
		impact:   "让店铺按时开业", cause: "现场核查排期积压", promise: 10, receipt: "SC", weight: 10,
	},
	{
		code: "hx-sw", name: "区税务局", short: "税务窗口", floor: "二楼",
		services: "涉税综合服务、发票办理、不动产交易税费，进驻中心二楼13—15号窗口。",
		windows: []*window{
			{code: "hx-sw-13", name: "13号窗口 涉税综合服务", short: "13号窗口",
				services: "办理事项：税务登记信息确认、变更；纳税申报；灵活就业人员社保费缴纳。\n办理时限：即办。\n服务标准：首问负责，办税指南免费领取。",
				items:    []string{"税务信息确认", "纳税申报", "灵活就业社保费缴纳"}, staff: []string{"HX0602"}},
			{code: "hx-sw-14", name: "14号窗口 发票办理", short: "14号窗口",
				services: "办理事项：发票领用、代开；税控设备发行。\n办理时限：即办。\n收费标准：发票工本费全免。",
				items:    []string{"发票代开", "发票领用", "税控设备发行"}, staff: []string{"HX0603"}},
			{code: "hx-sw-15", name: "15号窗口 不动产交易税费", short: "15号窗口",
				services: "办理事项：二手房交易契税、个人所得税、增值税申报缴纳；完税证明开具。\n办理时限：即办。\n服务标准：与不动产登记6号窗口“一窗受理、并联办理”。",
				items:    []string{"二手房契税缴纳", "个税完税证明开具", "存量房交易税费申报"}, staff: []string{"HX0604", "HX0605"}},
		},
		materials: []string{"合同原件", "身份证原件", "网签备案表", "婚姻关系证明", "房屋原值凭证", "经办人授权委托书"},
		head:      "HX0601",
		partner:   "不动产登记窗口", partnerDo: "先出具登记受理单", hq: "工农路的区税务局办税服务厅",
		mistakes: [][2]string{{"房屋面积", "契税多算了一千多元"}, {"纳税人识别号", "发票开出来无法抵扣"}},
		impact:   "按期交房", cause: "系统数据同步异常，窗口未及时上报", promise: 5, receipt: "SW", weight: 10,
		machine: "个税完税证明自助打印机",
	},
}

// staffList is every staff member of the demo, badge "HX" + department + number.
var staffList = []tousu.Staff{
	{Badge: "HX0900", Name: "钱志远", Unit: CentreCode, Title: "中心主任"},
	{Badge: "HX0901", Name: "郑国华", Unit: officeCode, Title: "督查处处长"},
	{Badge: "HX0902", Name: "高建军", Unit: officeCode, Title: "督查员"},
	{Badge: "HX0903", Name: "孔令宇", Unit: officeCode, Title: "督查员"},
	{Badge: "HX0001", Name: "周晓燕", Unit: receptionCode, Title: "窗口负责人"},
	{Badge: "HX0002", Name: "吴倩", Unit: receptionCode, Title: "导办员"},
	{Badge: "HX0003", Name: "徐鹏", Unit: receptionCode, Title: "窗口工作人员"},

	{Badge: "HX0101", Name: "李卫东", Unit: "hx-rs", Title: "科长"},
	{Badge: "HX0102", Name: "王丽娟", Unit: "hx-rs-01", Title: "窗口负责人"},
	{Badge: "HX0103", Name: "张敏", Unit: "hx-rs-01", Title: "窗口工作人员"},
	{Badge: "HX0104", Name: "刘建华", Unit: "hx-rs-02", Title: "窗口负责人"},
	{Badge: "HX0105", Name: "陈晓燕", Unit: "hx-rs-02", Title: "窗口工作人员"},
	{Badge: "HX0106", Name: "赵磊", Unit: "hx-rs-03", Title: "窗口负责人"},
	{Badge: "HX0107", Name: "孙婷婷", Unit: "hx-rs-03", Title: "窗口工作人员"},

	{Badge: "HX0201", Name: "马红梅", Unit: "hx-yb", Title: "科长"},
	{Badge: "HX0202", Name: "胡志强", Unit: "hx-yb-04", Title: "窗口负责人"},
	{Badge: "HX0203", Name: "郭静", Unit: "hx-yb-04", Title: "窗口工作人员"},
	{Badge: "HX0204", Name: "何俊杰", Unit: "hx-yb-05", Title: "窗口负责人"},
	{Badge: "HX0205", Name: "林雪", Unit: "hx-yb-05", Title: "窗口工作人员"},

	{Badge: "HX0301", Name: "罗振华", Unit: "hx-bdc", Title: "科长"},
	{Badge: "HX0302", Name: "梁文博", Unit: "hx-bdc-06", Title: "窗口负责人"},
	{Badge: "HX0303", Name: "谢丹丹", Unit: "hx-bdc-06", Title: "窗口工作人员"},
	{Badge: "HX0304", Name: "宋立新", Unit: "hx-bdc-07", Title: "窗口负责人"},
	{Badge: "HX0305", Name: "唐佳琪", Unit: "hx-bdc-08", Title: "窗口负责人"},
	{Badge: "HX0306", Name: "许浩", Unit: "hx-bdc-08", Title: "窗口工作人员"},

	{Badge: "HX0401", Name: "韩国庆", Unit: "hx-hz", Title: "科长"},
	{Badge: "HX0402", Name: "冯秀英", Unit: "hx-hz-09", Title: "窗口负责人"},
	{Badge: "HX0403", Name: "邓宇", Unit: "hx-hz-09", Title: "窗口工作人员"},
	{Badge: "HX0404", Name: "曹晓峰", Unit: "hx-hz-10", Title: "窗口负责人"},
	{Badge: "HX0405", Name: "彭亚楠", Unit: "hx-hz-10", Title: "窗口工作人员"},

	{Badge: "HX0501", Name: "曾德明", Unit: "hx-sc", Title: "科长"},
	{Badge: "HX0502", Name: "肖雨桐", Unit: "hx-sc-11", Title: "窗口负责人"},
	{Badge: "HX0503", Name: "田思远", Unit: "hx-sc-11", Title: "窗口工作人员"},
	{Badge: "HX0504", Name: "董凤英", Unit: "hx-sc-12", Title: "窗口负责人"},

	{Badge: "HX0601", Name: "袁永红", Unit: "hx-sw", Title: "科长"},
	{Badge: "HX0602", Name: "潘俊", Unit: "hx-sw-13", Title: "窗口负责人"},
	{Badge: "HX0603", Name: "于海燕", Unit: "hx-sw-14", Title: "窗口负责人"},
	{Badge: "HX0604", Name: "蒋超", Unit: "hx-sw-15", Title: "窗口负责人"},
	{Badge: "HX0605", Name: "蔡文静", Unit: "hx-sw-15", Title: "窗口工作人员"},
}

// Password is the password of every demo account.
const Password = "demo-password-2026"

// Logins of the demo accounts.
const (
	LoginClerk      = "clerk"
	LoginSupervisor = "supervisor"
	LoginInspector  = "inspector"
	LoginLeader     = "leader"
	LoginHandlerRS  = "handler-rs"
	LoginHandlerYB  = "handler-yb"
	LoginHandlerBDC = "handler-bdc"
	// LoginHandlerOffice is the supervision office's own handler, who signs for the
	// cases the office handles itself (自办): those about departments without a handler
	// account, about the hall, about a department head, and reports of misconduct.
	LoginHandlerOffice = "handler-dc"
)

// Logins lists the logins of every demo account, in the order the README gives them.
func Logins() []string {
	out := make([]string, len(accounts))
	for i, a := range accounts {
		out[i] = a.login
	}
	return out
}

type account struct {
	login, name string
	role        tousu.Role
	unit, staff string
}

var accounts = []account{
	{LoginClerk, "周晓燕", tousu.RoleClerk, CentreCode, "HX0001"},
	{LoginSupervisor, "高建军", tousu.RoleSupervisor, CentreCode, "HX0902"},
	{LoginInspector, "江海平", tousu.RoleInspector, CentreCode, ""},
	{LoginLeader, "钱志远", tousu.RoleLeader, CentreCode, "HX0900"},
	{LoginHandlerRS, "李卫东", tousu.RoleHandler, "hx-rs", "HX0101"},
	{LoginHandlerYB, "马红梅", tousu.RoleHandler, "hx-yb", "HX0201"},
	{LoginHandlerBDC, "罗振华", tousu.RoleHandler, "hx-bdc", "HX0301"},
	{LoginHandlerOffice, "孔令宇", tousu.RoleHandler, officeCode, "HX0903"},
}

// units lists the demo's units under parent (the root), parents before children.
func units(parent string) []tousu.Unit {
	out := []tousu.Unit{
		{Code: CentreCode, Name: "和平区政务服务中心", Parent: parent, Kind: tousu.UnitCentre, Sort: 1,
			Services: "进驻区人社局（社会保险）、区医疗保障局、区不动产登记中心、区公安分局户政、区市场监管局、区税务局等6个部门，" +
				"设15个业务窗口和1个综合受理窗口，可办理事项300余项。\n" +
				"一楼：综合受理窗口、社保（1—3号）、医保（4—5号）；二楼：不动产登记（6—8号）、税务（13—15号）；三楼：户政（9—10号）、市场监管（11—12号）。\n" +
				"对窗口服务不满意的，可到一楼综合受理窗口或五楼投诉督查处投诉，也可拨打投诉电话或12345政务服务便民热线；投诉自受理之日起15个工作日内办结答复。",
			Hours: officeHours + "；中午12:00-13:30综合受理窗口轮班不间断", Phone: "8765 4321（投诉督查处）",
			Address: "和平区民生路88号"},
		{Code: officeCode, Name: "投诉督查处", Parent: CentreCode, Kind: tousu.UnitOffice, Sort: 1,
			Services: "受理对进驻窗口及其工作人员的投诉、举报和意见建议（来访、来电、12345热线、网站、微信公众号、意见箱、意见簿、测评表等）；" +
				"按照自办、转办、督办分类处理，自受理之日起15个工作日内答复；定期督查窗口服务并公示投诉处理结果。",
			Hours: officeHours, Phone: "8765 4321", Address: "中心五楼501室"},
		{Code: receptionCode, Name: "综合受理窗口", Parent: CentreCode, Kind: tousu.UnitWindow, Sort: 2,
			Services: "办理事项：咨询导办、帮办代办；一窗受理事项收件、分送、出件；投诉、举报、意见建议现场登记（首诉负责）。\n" +
				"办理时限：咨询即问即答；投诉当场登记并出具受理回执。\n服务标准：首问负责、一次性告知、限时办结。",
			Hours: officeHours + "；中午轮班不间断", Phone: "8765 4300", Address: "中心一楼大厅入口处"},
	}
	for i, d := range departments {
		out = append(out, tousu.Unit{Code: d.code, Name: d.name, Parent: CentreCode, Kind: tousu.UnitDepartment,
			Sort: 10 + i, Services: d.services, Hours: officeHours, Address: "中心" + d.floor})
		for j, w := range d.windows {
			hours := officeHours
			if d.code == "hx-hz" {
				hours += "；每周六上午9:00-12:00身份证业务延时服务"
			}
			out = append(out, tousu.Unit{Code: w.code, Name: w.name, Parent: d.code, Kind: tousu.UnitWindow,
				Sort: j + 1, Services: w.services, Hours: hours, Address: "中心" + d.floor + w.short})
		}
	}
	return out
}
