"""The 友情链接 lists every county portal carries in its footer: State Council departments, the provincial
governments and (per region) the cities and counties of the autonomous region — as data, for the TRS chrome."""

from __future__ import annotations

LinkRow = tuple[str, str]

STATE_COUNCIL: tuple[LinkRow, ...] = (
    ("中国政府网", "https://www.gov.cn/"), ("外交部", "https://www.mfa.gov.cn/"),
    ("国防部", "http://www.mod.gov.cn/"), ("国家发展和改革委员会", "https://www.ndrc.gov.cn/"),
    ("教育部", "http://www.moe.gov.cn/"), ("科学技术部", "https://www.most.gov.cn/"),
    ("工业和信息化部", "https://www.miit.gov.cn/"), ("国家民族事务委员会", "https://www.neac.gov.cn/"),
    ("公安部", "https://www.mps.gov.cn/"), ("民政部", "https://www.mca.gov.cn/"),
    ("司法部", "https://www.moj.gov.cn/"), ("财政部", "https://www.mof.gov.cn/"),
    ("人力资源和社会保障部", "http://www.mohrss.gov.cn/"), ("自然资源部", "https://www.mnr.gov.cn/"),
    ("生态环境部", "https://www.mee.gov.cn/"), ("住房和城乡建设部", "https://www.mohurd.gov.cn/"),
    ("交通运输部", "https://www.mot.gov.cn/"), ("水利部", "http://www.mwr.gov.cn/"),
    ("农业农村部", "http://www.moa.gov.cn/"), ("商务部", "http://www.mofcom.gov.cn/"),
    ("文化和旅游部", "https://www.mct.gov.cn/"), ("国家卫生健康委员会", "http://www.nhc.gov.cn/"),
    ("退役军人事务部", "https://www.mva.gov.cn/"), ("应急管理部", "https://www.mem.gov.cn/"),
    ("中国人民银行", "http://www.pbc.gov.cn/"), ("审计署", "https://www.audit.gov.cn/"),
    ("国务院国有资产监督管理委员会", "http://www.sasac.gov.cn/"), ("海关总署", "http://www.customs.gov.cn/"),
    ("国家税务总局", "https://www.chinatax.gov.cn/"), ("国家市场监督管理总局", "https://www.samr.gov.cn/"),
    ("国家统计局", "https://www.stats.gov.cn/"), ("国家医疗保障局", "http://www.nhsa.gov.cn/"),
)

PROVINCES: tuple[LinkRow, ...] = (
    ("北京市", "https://www.beijing.gov.cn/"), ("天津市", "https://www.tj.gov.cn/"),
    ("河北省", "http://www.hebei.gov.cn/"), ("山西省", "http://www.shanxi.gov.cn/"),
    ("内蒙古自治区", "https://www.nmg.gov.cn/"), ("辽宁省", "https://www.ln.gov.cn/"),
    ("吉林省", "http://www.jl.gov.cn/"), ("黑龙江省", "https://www.hlj.gov.cn/"),
    ("上海市", "https://www.shanghai.gov.cn/"), ("江苏省", "http://www.jiangsu.gov.cn/"),
    ("浙江省", "https://www.zj.gov.cn/"), ("安徽省", "https://www.ah.gov.cn/"),
    ("福建省", "https://www.fujian.gov.cn/"), ("江西省", "http://www.jiangxi.gov.cn/"),
    ("山东省", "http://www.shandong.gov.cn/"), ("河南省", "https://www.henan.gov.cn/"),
    ("湖北省", "https://www.hubei.gov.cn/"), ("湖南省", "http://www.hunan.gov.cn/"),
    ("广东省", "http://www.gd.gov.cn/"), ("广西壮族自治区", "http://www.gxzf.gov.cn/"),
    ("海南省", "https://www.hainan.gov.cn/"), ("重庆市", "http://www.cq.gov.cn/"),
    ("四川省", "https://www.sc.gov.cn/"), ("贵州省", "https://www.guizhou.gov.cn/"),
    ("云南省", "https://www.yn.gov.cn/"), ("西藏自治区", "http://www.xizang.gov.cn/"),
    ("陕西省", "http://www.shaanxi.gov.cn/"), ("甘肃省", "https://www.gansu.gov.cn/"),
    ("青海省", "http://www.qinghai.gov.cn/"), ("宁夏回族自治区", "https://www.nx.gov.cn/"),
    ("新疆维吾尔自治区", "http://www.xinjiang.gov.cn/"), ("新疆生产建设兵团", "http://www.bingtuan.gov.cn/"),
)

NINGXIA: tuple[LinkRow, ...] = (
    ("银川市", "http://www.yinchuan.gov.cn/"), ("石嘴山市", "http://www.shizuishan.gov.cn/"),
    ("吴忠市", "http://www.wuzhong.gov.cn/"), ("固原市", "http://www.nxgy.gov.cn/"),
    ("中卫市", "http://www.nxzw.gov.cn/"), ("兴庆区", "http://www.xqq.gov.cn/"),
    ("金凤区", "http://www.jinfeng.gov.cn/"), ("西夏区", "http://www.ycxixia.gov.cn/"),
    ("永宁县", "http://www.nxyn.gov.cn/"), ("贺兰县", "http://www.nxhl.gov.cn/"),
    ("灵武市", "http://www.lingwu.gov.cn/"), ("大武口区", "http://www.dwk.gov.cn/"),
    ("惠农区", "http://www.huinong.gov.cn/"), ("平罗县", "http://www.pingluo.gov.cn/"),
    ("利通区", "http://www.ltq.gov.cn/"), ("红寺堡区", "http://www.hongsibu.gov.cn/"),
    ("盐池县", "http://www.yanchi.gov.cn/"), ("同心县", "http://www.tongxin.gov.cn/"),
    ("青铜峡市", "http://www.qingtongxia.gov.cn/"), ("原州区", "http://www.yzh.gov.cn/"),
    ("西吉县", "http://www.nxxj.gov.cn/"), ("隆德县", "http://www.nxld.gov.cn/"),
    ("泾源县", "http://www.nxjy.gov.cn/"), ("彭阳县", "http://www.pengyang.gov.cn/"),
    ("沙坡头区", "http://www.spt.gov.cn/"), ("中宁县", "http://www.znzf.gov.cn/"),
    ("海原县", "http://www.hy.gov.cn/"),
)
