"""The chrome a TRS WCM county portal wraps around every page, shaped like real ones (30–80 KB of it):
the <meta> block TRS writes per page, the toolbar (无障碍, 长者模式, 繁體, 手机版), header search, the
navigation with its drop-down menus, and the footer with 友情链接 selects, 主办/承办, 网站标识码, ICP and
公安备案 numbers, the 党政机关 and 政府网站找错 badges, plus the inline statistics and 适老化 scripts.

Nothing in it may look like discovery material: no section or column link besides the portal's own nav,
no file links, no pager, no page metadata labels (发布机构 …); external sites only in <select>s and badges.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote

from sampleweb.gov_links import PROVINCES, STATE_COUNCIL, LinkRow

if TYPE_CHECKING:
    from sampleweb.trs import PageMeta, Portal

TOOLBAR = """<div class="topbar"><div class="w1200">
<div class="fl"><span id="today"></span><script type="text/javascript">
(function () {
  var d = new Date(), weeks = ["日", "一", "二", "三", "四", "五", "六"];
  document.getElementById("today").innerHTML = "今天是：" + d.getFullYear() + "年" + (d.getMonth() + 1) + "月"
    + d.getDate() + "日 星期" + weeks[d.getDay()];
})();
</script></div>
<div class="fr"><a href="javascript:void(0);" id="wza" class="wza" title="无障碍浏览">无障碍</a>
<a href="javascript:void(0);" id="zzms" class="zzms" title="长者模式">长者模式</a>
<a href="javascript:void(0);" id="fjt" title="简繁切换">繁體</a>
<a href="/wap/" target="_blank">手机版</a>
<a href="javascript:void(0);" class="wx">微信<span class="ewm"><img src="/images/wx_ewm.jpg" alt="微信公众号">\
</span></a>
<a href="javascript:void(0);" class="wb">微博<span class="ewm"><img src="/images/wb_ewm.jpg" alt="官方微博"></span></a>
</div></div></div>"""

# 适老化 / 无障碍: the elderly mode and the accessibility toolbar most county portals load since 2021.
ELDER_SCRIPT = """<script type="text/javascript">
(function () {
  var root = document.documentElement, KEY = "zzms_on", SIZE_KEY = "zzms_size";
  var sizes = [100, 112, 125, 150], current = 0;
  function store(name, value) { try { window.localStorage.setItem(name, value); } catch (e) { } }
  function load(name) { try { return window.localStorage.getItem(name); } catch (e) { return null; } }
  function setSize(step) {
    current = Math.max(0, Math.min(sizes.length - 1, step));
    root.style.fontSize = sizes[current] + "%";
    store(SIZE_KEY, String(current));
  }
  function elder(on) {
    var body = document.body;
    if (!body) { return; }
    body.className = on ? (body.className + " elder-mode").replace(/^\\s+/, "")
                        : body.className.replace(/\\s*elder-mode/g, "");
    var btn = document.getElementById("zzms");
    if (btn) { btn.innerHTML = on ? "退出长者模式" : "长者模式"; }
    setSize(on ? 2 : 0);
    store(KEY, on ? "1" : "0");
  }
  function toggleContrast() {
    var on = !/high-contrast/.test(document.body.className);
    document.body.className = on ? document.body.className + " high-contrast"
                                 : document.body.className.replace(/\\s*high-contrast/g, "");
  }
  function bind(id, handler) {
    var el = document.getElementById(id);
    if (el && el.addEventListener) { el.addEventListener("click", function (ev) { ev.preventDefault(); handler(); }); }
  }
  window.addEventListener && window.addEventListener("load", function () {
    bind("zzms", function () { elder(!/elder-mode/.test(document.body.className)); });
    bind("wza", function () {
      var bar = document.getElementById("wza-bar");
      if (bar) { bar.style.display = bar.style.display === "block" ? "none" : "block"; }
    });
    bind("wza-big", function () { setSize(current + 1); });
    bind("wza-small", function () { setSize(current - 1); });
    bind("wza-contrast", toggleContrast);
    bind("wza-reset", function () { setSize(0); elder(false); });
    if (load(KEY) === "1") { elder(true); } else if (load(SIZE_KEY)) { setSize(parseInt(load(SIZE_KEY), 10) || 0); }
  });
})();
</script>
<div id="wza-bar" class="wza-bar" style="display:none"><a href="javascript:void(0);" id="wza-big">放大</a>
<a href="javascript:void(0);" id="wza-small">缩小</a><a href="javascript:void(0);" id="wza-contrast">高对比度</a>
<a href="javascript:void(0);" id="wza-reset">重置</a></div>"""

SIMPLIFIED_SCRIPT = """<script type="text/javascript">
(function () {
  var on = false, btn = document.getElementById("fjt");
  var pairs = [["简", "簡"], ["体", "體"], ["务", "務"], ["县", "縣"], ["门", "門"], ["户", "戶"], ["网", "網"],
               ["发", "發"], ["开", "開"], ["报", "報"], ["办", "辦"], ["务", "務"], ["厅", "廳"], ["区", "區"]];
  function swap(node, from, to) {
    if (node.nodeType === 3) {
      var text = node.nodeValue;
      for (var i = 0; i < pairs.length; i++) { text = text.split(pairs[i][from]).join(pairs[i][to]); }
      node.nodeValue = text;
      return;
    }
    if (node.tagName === "SCRIPT" || node.tagName === "STYLE") { return; }
    for (var k = 0; k < node.childNodes.length; k++) { swap(node.childNodes[k], from, to); }
  }
  if (btn) {
    btn.onclick = function () {
      on = !on;
      swap(document.body, on ? 0 : 1, on ? 1 : 0);
      btn.innerHTML = on ? "简体" : "繁體";
      return false;
    };
  }
})();
</script>"""


def head_meta(portal: Portal, meta: PageMeta | None) -> str:
    """The <meta> block TRS writes: site, column and (on an article) title, date and source."""
    tags = [("SiteName", portal.name), ("SiteDomain", portal.hostname), ("SiteIDCode", portal.site_code)]
    if meta is not None:
        tags += [("ColumnName", meta.column), ("ColumnDescription", meta.column),
                 ("ColumnKeywords", meta.column), ("ColumnType", meta.column)]
        if meta.article_title:
            tags += [("ArticleTitle", meta.article_title), ("PubDate", meta.pub_date),
                     ("ContentSource", meta.source), ("Keywords", meta.article_title),
                     ("Author", meta.source), ("Description", meta.article_title), ("Image", ""),
                     ("Url", meta.url)]
    tags += [("keywords", f"{portal.name},{portal.name.removesuffix('人民政府')},政务公开,政务服务,互动交流"),
             ("description", f"{portal.name}门户网站是{portal.name}在互联网上发布政务信息、提供在线服务、"
                             "与公众互动交流的官方网站。")]
    lines = [f'<meta name="{name}" content="{escape(value)}">' for name, value in tags]
    styles = ("/images/reset.css", "/images/common.css", "/images/index.css", "/images/elder.css")
    lines += [f'<link rel="stylesheet" type="text/css" href="{href}">' for href in styles]
    scripts = ("/images/jquery-1.12.4.min.js", "/images/jquery.SuperSlide.2.1.3.js", "/images/common.js")
    lines += [f'<script type="text/javascript" src="{src}"></script>' for src in scripts]
    return "\n".join(lines)


def header(portal: Portal) -> str:
    """Toolbar, logo, search box and the navigation with its drop-down menus."""
    return f"""{TOOLBAR}
<div class="header"><div class="w1200"><div class="logo"><img src="/images/logo.png" alt="{escape(portal.name)}">\
<h1>{escape(portal.name)}</h1></div>
<div class="search"><form name="searchform" action="/search/search.jsp" method="get" target="_blank"
onsubmit="return this.searchWord.value.replace(/\\s/g, '') !== '';">
<input type="hidden" name="siteCode" value="{escape(portal.site_code)}">
<input type="text" name="searchWord" class="search-input" placeholder="请输入关键字" autocomplete="off">
<input type="submit" class="search-btn" value="搜索"></form>
<div class="hot">热门搜索：<span>政务服务</span><span>社保查询</span><span>公积金</span><span>招聘</span></div>
</div></div></div>
<div class="nav"><ul class="w1200">{_nav(portal)}</ul></div>"""


def _nav(portal: Portal) -> str:
    menus = dict(portal.menus)
    items = []
    for name, href in portal.nav:
        sub = "".join(f'<li><a href="{h}" target="_blank">{escape(n)}</a></li>' for n, h in menus.get(name, ()))
        drop = f'<div class="subnav"><ul>{sub}</ul></div>' if sub else ""
        items.append(f'<li class="nav-item"><a href="{href}" class="nav-a">{escape(name)}</a>{drop}</li>')
    return "\n".join(items)


def footer(portal: Portal) -> str:
    """友情链接 selects, footer links, sponsor lines, identification numbers and badges."""
    selects = "\n".join(_select(label, rows) for label, rows in (
        ("国务院部门网站", STATE_COUNCIL), ("各省区市政府网站", PROVINCES), ("区内市县政府网站", portal.region_links)))
    site = f"http://{portal.hostname}/"
    sponsor = "".join(f"<p>{escape(line)}</p>" for line in portal.footer)
    return f"""<div class="yqlj"><div class="w1200"><span class="yqlj-tit">友情链接：</span>
{selects}
</div></div>
<div class="footer"><div class="w1200">
<div class="foot-links"><a href="/wzdt/">网站地图</a>|<a href="/gywm/">关于我们</a>|<a href="/lxwm/">联系我们</a>|\
<a href="/wzsm/">网站声明</a>|<a href="/yssm/">隐私政策</a></div>
<div class="foot-badges"><span id="_ideConac"><a href="https://bszs.conac.cn/sitename?method=show&amp;id={portal.site_code}"
target="_blank"><img src="/images/red.png" alt="党政机关" title="党政机关"></a></span>
<span id="_span_jiucuo"><a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code={portal.site_code}&amp;url=\
{quote(site, safe="")}" target="_blank"><img src="/images/jiucuo.png" alt="政府网站找错" title="政府网站找错">\
</a></span>
<span class="slh"><img src="/images/slh.png" alt="适老化无障碍服务" title="适老化无障碍服务"></span></div>
<div class="foot-text">{sponsor}
<p>网站标识码：{escape(portal.site_code)}　<a href="https://beian.miit.gov.cn/" target="_blank">\
{escape(portal.icp)}</a>　\
<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode={portal.police_record}" target="_blank">\
<img src="/images/gaba.png" alt="">{escape(portal.abbr)}公网安备 {portal.police_record}号</a></p>
<p>建议使用1366×768分辨率，IE10以上版本浏览器或谷歌、火狐等浏览器访问本站</p></div>
</div></div>
{ELDER_SCRIPT}
{SIMPLIFIED_SCRIPT}
{_statistics(portal)}"""


def _select(label: str, rows: tuple[LinkRow, ...]) -> str:
    options = "".join(f'\n<option value="{url}">{escape(name)}</option>' for name, url in rows)
    return (f'<select class="yqlj-select" onchange="if (this.value) {{ window.open(this.value); }} '
            f'this.selectedIndex = 0;"><option value="">{escape(label)}</option>{options}\n</select>')


def _statistics(portal: Portal) -> str:
    """The TRS visitor statistics (ta.js) and the Conac/jiucuo badge loaders, as the portals inline them."""
    return f"""<script type="text/javascript">
var _trsta_mpid = "{portal.stats_id}";
(function () {{
  var ta = document.createElement("script");
  ta.type = "text/javascript";
  ta.async = true;
  ta.charset = "utf-8";
  ta.id = "_trs_ta_js";
  ta.src = ("https:" == document.location.protocol ? "https:" : "http:") + "//ta.trs.cn/c/js/ta.js?mpid=" + _trsta_mpid;
  var s = document.getElementsByTagName("script")[0];
  s.parentNode.insertBefore(ta, s);
}})();
</script>
<script type="text/javascript">
(function () {{
  var badges = [["_ideConac", "//dcs.conac.cn/js/33/000/0000/60429971/CA330000000604299710002.js"],
                ["_span_jiucuo", "//zfwzgl.www.gov.cn/exposure/jiucuo.js"]];
  for (var i = 0; i < badges.length; i++) {{
    var holder = document.getElementById(badges[i][0]);
    if (!holder) {{ continue; }}
    var js = document.createElement("script");
    js.type = "text/javascript";
    js.src = badges[i][1];
    holder.appendChild(js);
  }}
}})();
</script>"""
