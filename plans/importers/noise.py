"""Recognise web-page and PDF furniture that is not part of a document: navigation, footers, page numbers."""

from __future__ import annotations

import re

# A line holding any of these is site furniture, whatever else it says.
_STRONG = re.compile(
    r"https?://|www\.|\.(com|cn|net|org)(/|\b)|©|版权所有|copyright|预览阅读已结束|扫一扫在手机上|在手机上查看当前页面"
    r"|申明敬告|转载请保留|链接地址[:：]|上一篇[:：]|下一篇[:：]|[》\"”]出自[:：]|联系老师|点击下载|免费下载|下载文档"
    r"|字号[:：]?\s*[大中小]|打印本页|关闭窗口|分享到|返回顶部|【打印】|【关闭】|索\s*引\s*号",
    re.IGNORECASE,
)
# Short lines made only of these are navigation.
_WEAK = re.compile(
    r"^(相关文章|推荐文章|推荐专题|热门文章|最新文章|最近更新|查看更多|更多|您可能关注的文档|文档介绍|相关推荐|猜你喜欢"
    r"|网站地图|网站首页|首页|返回|上一页|下一页|目录|正文|附件|分享|收藏|评论|阅读全文|展开全文|全文阅读)\s*[:：]?$"
)
_TRAILING_NAV = re.compile(r"(相关文章|推荐文章|推荐专题|最近更新|查看更多|更多内容|热门推荐|猜你喜欢)\s*$")
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[-—–\s]*$")


def is_noise_line(line: str) -> bool:
    """Return whether a whole line is site or page furniture rather than document text."""
    text = line.strip()
    if not text:
        return True
    if _PAGE_NUMBER.fullmatch(text):
        return True
    if _WEAK.match(text):
        return True
    if _TRAILING_NAV.search(text) and "。" not in text:
        return True
    if _STRONG.search(text):
        # A long paragraph of real text that merely mentions a web address stays.
        return len(text) < 120 or text.count("。") < 2
    return False
