"""The vocabulary of credit lines: phrases that declare where a post came from.

Data only. :mod:`tracer.vocabulary` compiles these tables into regular
expressions over a post's *visible text* (tags removed, entities decoded,
whitespace collapsed, block boundaries as newlines), matched
case-insensitively. To support a new wording or language, add a phrase to the
right table; nothing else changes.

A phrase is a regular expression fragment. Write spaces as single spaces
(they match any run of whitespace) and keep groups non-capturing.

Roles:

``LEADS`` (a phrase that governs the link *after* it)
    "Source Article from <a>…", "Originally published at <a>…",
    "Read Full Article at <a>…". It may stand anywhere in a line.
``FIRST_LINK`` (a phrase that sits *between or after* the links it governs)
    Yoast's "The post <a>TITLE</a> appeared first on <a>SITE</a>": the first
    link of the line is the article, the later one the site's home.
``LABELS`` (a short label that must open a line or follow a separator)
    "Source: <a>…", "Via <a>…", "Quelle: <a>…". A label followed only by a
    site *name* is not an edge: a link or a plain-text URL must follow on the
    same line.
``IMAGE_WORDS``
    A label right after one of these words credits a picture, not the post
    ("Photo source:", "Bildquelle:", "Фото:").
``WORDS``
    Optional modifiers between a verb and its preposition ("Reprinted [with the
    author's kind] permission from"): use it inside a phrase.
``LABEL_QUALIFIERS``
    Words that may stand between a label and its colon ("Fuente original:").
``CONTINUE_READING``
    The text of a lone closing link that credits the original ("Continue reading…").
``CALLS_TO_ACTION``
    Link texts that are never a source (subscribe, donate, follow, download).
"""

from __future__ import annotations

__all__ = [
    "CALLS_TO_ACTION",
    "CONTINUE_READING",
    "FIRST_LINK",
    "IMAGE_WORDS",
    "LABELS",
    "LABEL_QUALIFIERS",
    "LEADS",
    "LINE_LABELS",
    "PLURAL_HINTS",
    "WORDS",
]

# Optional modifiers: up to four words that may stand between a credit verb and its
# preposition ("Reprinted [with the author's kind] permission from", "Originally
# published [last week] in", "Read the full [story] on"). Never crosses a sentence end.
WORDS = r"(?:[^\s.!?;:]+ ){0,4}?"
_W = WORDS

# pattern id → phrases that govern the next link (or plain-text URL).
LEADS: dict[str, tuple[str, ...]] = {
    "source-article-from": (r"source article from",),
    "read-full-article": (
        r"read (?:the )?(?:full|entire|complete|whole) (?:[^\s.!?;:]+ )?(?:article|story|text|"
        r"post|report|piece|interview|tutorial|thing|essay|review|analysis|transcript|column|"
        r"guide|feature)(?: (?:at|on|@|from|here|over at))?",
        r"(?:story|article|piece) continues (?:at|on|here)",
        r"continue reading " + _W + r"(?:at|on|@)",
        r"(?:leer|lee|lea) (?:más|mas) en",
        r"(?:leer|lee|lea) (?:la nota|el artículo|la noticia) complet[ao] en",
        r"(?:zum|den) (?:vollständigen|ganzen|kompletten) (?:artikel|beitrag|text)",
        r"lire la suite(?: de l'article| de l’article)?",
        r"(?:được )?(?:đăng|xuất bản) lần đầu (?:tại|trên)",
        r"(?:sigue|continúa|continua) leyendo en",
        r"(?:leia|veja) mais (?:em|no|na)",
        r"continue lendo (?:em|no|na)",
        r"xem (?:bài gốc|thêm|chi tiết|toàn bộ bài viết) tại",
        r"baca (?:berita|artikel) selengkapnya(?: (?:di|pada))?",
        r"baca (?:artikel|berita) .{1,120}? selengkapnya",
        r"(?:للاطلاع على|لقراءة|اقرأ) المقال (?:الأصلي|كاملا|كاملاً)",
        r"read the rest (?:of (?:the|this) (?:article|story|post) )?(?:at|on|@)",
        r"continue reading (?:at|on|@)",
        r"full (?:article|story) (?:at|on|@)",
        # de, fr, es, pt, it, nl, ru, uk, pl, tr, id, ja, zh, ko, ar
        r"(?:den )?(?:ganzen|vollständigen|kompletten) (?:artikel|beitrag|text) (?:lesen|auf|bei)",
        r"weiterlesen (?:auf|bei)",
        r"lire (?:la suite|l'article complet|l’article complet|l'intégralité) (?:sur|à|chez)",
        r"leer (?:el )?(?:artículo|articulo|nota|noticia) completa? en",
        r"seguir leyendo en",
        r"continuar lendo (?:em|no|na)",
        r"ler (?:a )?(?:matéria|notícia|artigo) complet[oa] (?:em|no|na)",
        r"leggi (?:l'articolo|l’articolo|tutto|la notizia) (?:completo |completa )?(?:su|in)",
        r"lees (?:het volledige artikel|verder) (?:op|bij)",
        r"читать (?:полностью|далее|статью полностью|целиком) (?:на|в)",
        r"читати (?:повністю|далі) (?:на|в)",
        r"czytaj (?:całość|dalej|więcej) (?:na|w)",
        r"haberin (?:tamamı|devamı)",
        r"baca (?:selengkapnya|artikel lengkap)(?: (?:di|pada))?",
        r"記事全文",
        r"全文を読む",
        r"阅读全文",
        r"閱讀全文",
        r"기사 전문",
        r"اقرأ (?:المقال|الخبر) (?:كاملا|كاملاً|بالكامل)",
    ),
    "originally-published": (
        r"(?:this (?:article|story|post|piece|essay|report|column|interview|blog post) )?"
        r"(?:was |is |has been )?(?:originally|first|initially) "
        r"(?:published|posted|appeared|ran|written|written for|featured|printed|syndicated)"
        r"(?: " + _W + r"(?:at|on|in|by|for|with))?",
        r"(?:the )?original version of this (?:story|article|post|piece|essay) "
        r"(?:appeared|ran|was published)(?: (?:on|in|at|by))?",
        r"(?:a|an) (?:shorter |longer |earlier |edited |abridged |different )?version of this"
        r" (?:story|article|post|piece|essay|op-?ed|column)"
        r" (?:originally |first )?(?:appeared|ran|was published)(?: (?:on|in|at|by))?",
        r"this (?:article|story|post|piece|essay|chapter) (?:is|was) (?:adapted|excerpted) from",
        r"reblogged from",
        r"(?:re)?(?:published|printed|posted|produced) (?:here )?(?:with "
        + _W
        + r"permission "
        + _W
        + r")?(?:from|courtesy of)",
        r"(?:reprinted|republished|reproduced|used) with " + _W + r"permission (?:of|from)",
        r"(?:reprinted|republished|reproduced|used) by permission (?:of|from)",
        r"(?:this (?:article|story|post|piece) )?(?:is |was )?(?:republished|reprinted|reposted|"
        r"cross-?posted|syndicated) (?:from|with permission (?:from|of)|under|courtesy of|on)",
        r"cross-?posted (?:from|with|at)",
        # de
        r"(?:ursprünglich|zuerst|erstmals|original) (?:veröffentlicht|erschienen|publiziert)"
        r"(?: (?:auf|bei|in|im|von))?",
        r"(?:dieser (?:artikel|beitrag|text) )?(?:ist|wurde) (?:zuerst|ursprünglich|erstmals) "
        r"(?:auf|bei|in|im) ",
        r"erstveröffentlichung (?:auf|bei|in|im)",
        r"(?:zuerst|erstmals) (?:auf|bei|in|im) .{1,60}? erschienen",
        r"(?:mit freundlicher genehmigung|übernommen) (?:von|aus)",
        # fr
        r"(?:cet article (?:a été |est )?)?(?:publié|paru|parue|publiée) "
        r"(?:initialement|à l'origine|à l’origine|d'abord|d’abord|originellement|en premier|"
        r"pour la première fois)"
        r"(?: (?:sur|dans|par|chez))?",
        r"(?:initialement|originellement|d'abord|d’abord) (?:publié|paru|publiée|parue)"
        r"(?: (?:sur|dans|par|chez))?",
        r"(?:republié|repris|reproduit) (?:depuis|de|du|avec l'autorisation de)",
        r"(?:a été |est )?(?:d'abord|d’abord|initialement|originellement) (?:été )?"
        r"(?:publié|publiée|paru|parue)(?: (?:sur|dans|par|chez))?",
        r"(?:republié|reproduit|publié|repris) avec l(?:'|’)(?:aimable )?autorisation "
        r"(?:de|du|des)",
        # es, pt
        r"(?:este (?:artículo|articulo|artigo|texto) (?:fue |foi )?)?(?:publicado|publicada|"
        r"divulgado|divulgada) (?:originalmente|inicialmente|primero|por primera vez|"
        r"pela primeira vez|originariamente)(?: (?:en|em|por|no|na|el|pelo|pela))?",
        r"(?:originalmente|inicialmente|originariamente) (?:publicado|publicada)"
        r"(?: (?:en|em|por|no|na|pelo|pela))?",
        r"(?:reproducido|republicado|republicada|reproduzido) (?:de|desde|con permiso de|do|da)",
        r"se publicó (?:originalmente|por primera vez|primero|inicialmente) en",
        r"(?:texto|artigo|matéria) (?:originalmente|inicialmente) publicad[oa] (?:em|no|na)",
        # it
        r"(?:pubblicato|pubblicata|apparso|apparsa) (?:originariamente|originalmente|"
        r"per la prima volta|inizialmente|in origine)(?: (?:su|in|da|sul|sulla))?",
        r"(?:originariamente|originalmente|inizialmente) (?:pubblicato|pubblicata)"
        r"(?: (?:su|in|da|sul|sulla))?",
        # nl
        r"(?:oorspronkelijk|oorspronkelijk|eerder|eerst|origineel) (?:gepubliceerd|verschenen)"
        r"(?: (?:op|in|bij|door))?",
        # ru, uk, bg, sr
        r"(?:первоначально|впервые|изначально|оригинально) (?:опубликован[аоы]?|вышл[аио]|"
        r"вышел|появил(?:ся|ась|ось|ись)|размещ[её]н[аоы]?)(?: (?:на|в|во))?",
        r"(?:опубликован[аоы]?|вышл[аио]|вышел) (?:впервые|первоначально|изначально)"
        r"(?: (?:на|в|во))?",
        r"перепечатан[аоы]? (?:с|из|у)",
        r"(?:вперше|спочатку|початково) (?:опублікован[аоі]?|опубліковано|"
        r"з(?:'|’|ʼ)яви(?:вся|лася|лося|лися)|вийшл[аои]|вийшов)(?: (?:на|в|у))?",
        r"(?:първоначално|за първи път) (?:публикуван[аои]?|публикувана)(?: (?:на|в))?",
        r"(?:prvobitno|izvorno|prvi put) (?:objavljen[aoi]?)(?: (?:na|u))?",
        # pl, cs
        r"(?:pierwotnie|oryginalnie|pierwszy raz|po raz pierwszy) (?:opublikowan[yaoe]|"
        r"ukazał(?:a|o|y)? się)(?: (?:na|w))?",
        r"(?:původně|poprvé) (?:publikován[oa]?|vyšel|vyšla|vyšlo)(?: (?:na|v))?",
        # tr, id, ro, hu, el
        r"(?:ilk olarak|ilk kez|orijinal olarak|aslen) ",
        r"(?:awalnya|pertama kali|aslinya) (?:diterbitkan|dipublikasikan|dimuat|terbit|tayang)"
        r"(?: (?:di|oleh|pada))?",
        r"(?:artikel|tulisan|berita) ini (?:telah|sudah) (?:tayang|terbit|dimuat|diterbitkan)"
        r" (?:di|pada)",
        r"(?:publicat inițial|publicat initial|publicat pentru prima dată)(?: (?:pe|în|in|de))?",
        r"(?:eredetileg|először) (?:megjelent|publikálva)",
        r"(?:δημοσιεύθηκε|δημοσιεύτηκε) (?:αρχικά|πρώτα)(?: (?:στο|στην|στη|από))?",
        # zh, ja, ko, ar, he, fa
        r"本文(?:最初|首先|首次|原)?(?:发表|發表|发布|發布|刊登|刊载|刊載)(?:于|於|在)",
        r"(?:首发|首發|原载|原載|原刊|原发|原發)(?:于|於|在)?",
        r"(?:本文)?(?:转载|轉載|转|轉)自",
        r"(?:本文)?(?:经授权)?(?:转载|轉載)(?:于|於|自)",
        r"本文(?:来自|來自|来源于|同步发布于|同步發佈於)",
        r"同步(?:发布|發布|发表)(?:于|於|在)",
        r"(?:初出|初掲載|転載元)",
        r"(?:この記事は|本記事は).{0,40}?(?:に|で)(?:掲載|公開|初出)",
        r"(?:원문|원래|처음) (?:게재|게시|발행)",
        r"(?:نشر|نُشر|نشرت|نُشرت) (?:هذا المقال |المقال )?(?:أصلا|أصلاً|لأول مرة|أولا|أولاً)"
        r"(?: (?:في|على|عبر))?",
        r"(?:نقلا|نقلاً) عن",
        r"به نقل از",
        r"(?:פורסם|התפרסם) (?:לראשונה|במקור)(?: (?:ב|באתר|על ידי))?",
        r"(?:این مطلب|این مقاله) (?:ابتدا|نخستین بار) (?:در)",
    ),
    "source-label": (
        r"go to (?:the )?source",
        r"the original source of this (?:article|story|post) is",
        # the link on "here": "The original article can be found <a>here</a>"
        r"(?:the )?original (?:article|story|post|text|version) (?:can be (?:found|read|viewed)"
        r"|is (?:available|here))",
        r"(?:you can |you may )?read the original (?:article|story|post|text|version)",
        r"(?:puedes |puede |pueden )?(?:leer|ver|consultar) (?:la|el) (?:nota|noticia|"
        r"artículo|articulo|texto) original",
        # ZeroHedge-style bylines: "Authored by X via <a>…</a>"
        r"(?:authored|written|submitted|posted|contributed) by .{1,80}? via",
        # translations credit their original
        r"translated from",
        r"translation of",
        r"перевод (?:статьи|материала|публикации|с английского|с немецкого|с французского)",
        r"übersetzt (?:aus|von)",
        r"übersetzung (?:des (?:artikels|beitrags|textes)|von|aus)",
        r"traduction (?:de l'article|de l’article|du texte|de)",
        r"dịch từ(?: bài viết)?",
        r"번역 원문",
        r"ترجمة (?:عن|من)",
        r"traducido (?:de|del|desde)",
        r"traduit (?:de|du|depuis)",
        r"tradução (?:de|do|da)",
        r"tradotto (?:da|dal)",
        r"(?:翻译自|譯自|译自|翻訳元|编译自|編譯自)",
        r"(?:view|visit) (?:the )?source",
        r"(?:con|com) (?:información|informacion|informações|informacoes) (?:de|da|do|del)",
        r"(?:lee|lea|leer|leia|ler|leggi) (?:el |o |l'|l’)?(?:artículo|articulo|artigo|articolo)"
        r" original(?:e)?",
        r"open the source",
        r"read more (?:at|on|@|from|over at|via)",
        r"read (?:it|this|the (?:article|story|post|report)) (?:at|on|@)",
        r"(?:read|view|see|visit) (?:the )?original(?: (?:article|story|post|piece|text|report|"
        r"source|publication|version))?(?: (?:at|on|here|@))?",
        r"(?:lesen sie|mehr) (?:mehr|dazu) (?:auf|bei)",
        r"(?:voir|lire|consulter) (?:l'article|l’article|la source|l'original|l’original)"
        r"(?: original| source)?(?: (?:sur|à|chez))?",
        r"(?:ir a|ver|visitar) (?:la )?(?:fuente|nota original|noticia original|original)",
        r"(?:ir para|ver|visitar) (?:a )?(?:fonte|matéria original|original)",
        r"(?:vai alla|leggi la) fonte",
        r"(?:link do|przejdź do) (?:źródła|zrodla|oryginału|artykułu)",
        r"(?:阅读|閱讀|查看|点击查看|點擊查看)原文",
    ),
}

# pattern id → phrases that stand between (or after) the article link and the site link.
FIRST_LINK: dict[str, tuple[str, ...]] = {
    "appeared-first-on": (
        r"appeared first (?:on|at|in)",
        r"first appeared (?:on|at|in)",
        r"erschien zuerst (?:auf|bei|in der|in|im)",
        r"est apparu en premier sur",
        r"est paru en premier sur",
        r"apparaît en premier sur",
        r"se publicó primero en",
        r"apareció primero en",
        r"aparece primero en",
        r"apareceu primeiro em",
        r"foi publicado primeiro em",
        r"sembra essere il primo su",
        r"è apparso per la prima volta su",
        r"proviene da",
        r"verscheen eerst op",
        r"(?:впервые|сначала) появил(?:ся|ась|ось|ись)(?: (?:на|в))?",
        r"появил(?:ся|ась|ось|ись) (?:сначала|впервые)(?: (?:на|в))?",
        r"спершу з(?:'|’|ʼ)яви(?:вся|лася|лося|лися)(?: (?:на|в))?",
        r"вперше з(?:'|’|ʼ)яви(?:вся|лася|лося|лися)(?: (?:на|в))?",
        r"pochodzi z serwisu",
        r"ilk (?:önce|olarak) .{0,80}? (?:üzerinde )?(?:ortaya çıktı|yayınlandı|yayımlandı)",
        r"dök först upp på",
        r"se nejdříve objevil na",
        r"apare prima dată în",
        r"muncul pertama kali (?:di|pada)",
        r"pertama kali tampil (?:pada|di)",
        r"blev vist første gang på",
        r"dukket først opp på",
        r"julkaistiin ensin sivustolla",
        r"εμφανίστηκε πρώτα στο",
        r"xuất hiện đầu tiên (?:vào ngày|tại|trên)",
        r"először (?:a\(z\) )?.{0,80}? (?:oldalon )?jelent meg",
        r"се появява първо на",
        r"首先出现在",
        r"首先出現在",
        r"最初に表示されました",
        r"に最初に表示",
        r"에 처음 (?:나타났습니다|게시되었습니다)",
        # ko, ja: the verb comes after the link it credits
        r"에 (?:처음|먼저) (?:게재|게시|등장|공개|실렸|발행)",
        r"에 게재된 (?:글|기사)",
        r"(?:から|より)の転載",
        r"に(?:掲載|公開|初出)された(?:もの|記事)",
        r"で公開された記事",
        r"ظهر(?:ت)? (?:المقالة|المقال|التدوينة)? ?(?:أولاً|أولا) (?:على|في)",
        r"(?:أولاً|أولا) على",
        r"הופיע(?:ה)? לראשונה (?:ב|באתר|על)",
        r"اولین بار در",
    ),
    # the link comes first: "<a>Click here</a> to read the full article"
    "read-full-article": (
        r"to read (?:the )?(?:full|entire|complete|whole|original|rest of the) (?:article|story|"
        r"report|post|text)",
        # "<a>Click here</a> for the original article"; "For the original article, <a>click
        # here</a>" (nothing before it: the link after)
        r"for the (?:original|full) (?:article|story|post|text|version)",
        r"para (?:leer|ler) (?:el artículo|la nota|la noticia|a matéria|o artigo|a notícia)"
        r"(?: complet[ao]| original)?",
    ),
}

# Labels that are also everyday phrases at the start of a sentence ("Tratto da <a>un
# romanzo</a>, il film…", "Visto en <a>el mapa</a>, el embalse…", "Tomado de <a>la
# mano</a>…"): a credit only when the line ends with the link (a short note may
# follow), not when a comma goes on to the rest of the sentence.
LINE_LABELS: tuple[str, ...] = (
    r"(?:excerpted|adapted) from",
    r"(?:retirado|extraído|extraido|tomado) (?:de|do|da|del)",
    r"vist[oa] (?:en|em|no|na)",
    r"tratto da",
    r"(?:lu|vu) sur",
    r"gefunden (?:bei|auf)",
    r"kwa hisani ya",
)

# pattern id → short labels that must open a line (or follow a separator).
LABELS: dict[str, tuple[str, ...]] = {
    "source-label": (
        # noun phrases are labels too ("Source link:", "Original article")
        r"(?:article|original|story) (?:url|link)",
        r"(?:link to|link to the) (?:the )?(?:original|source)(?: (?:article|story|post))?",
        r"original (?:article|story|post|source|link|url|text|report|publication)"
        r"(?: (?:at|on|here|@))?",
        r"source (?:link|url|article|website|site|page|story|publication|feed)",
        r"sourced from",
        r"forwarded from",  # a message forwarded from another Telegram channel (RSSHub)
        r"full (?:story|article|text|report|version)",
        r"original(?:e)?",
        r"(?:artículo|articulo|matéria|artigo|articolo) original(?:e)?",
        r"(?:article|news|story|original|content|primary) source",
        r"(?:zum|zur) (?:original-?artikel|originalbeitrag|quelle|originalquelle)",
        r"original-?artikel",
        r"lien (?:vers la |de la )?source",
        r"article (?:original|source)",
        r"(?:artículo|articulo|nota|noticia|enlace) (?:original|fuente)",
        r"(?:matéria|artigo|notícia|link) original",
        r"articolo originale",
        r"(?:origineel|oorspronkelijk) (?:artikel|bericht)",
        r"ссылка на (?:источник|первоисточник|оригинал)"
        r"(?: (?:статьи|материала|публикации|новости))?",
        r"(?:оригинал|первоисточник) (?:статьи|новости|публикации|материала)",
        r"посилання на (?:джерело|першоджерело|оригінал)",
        r"(?:artykuł|artykul) (?:oryginalny|źródłowy)",
        r"(?:haberin|haber) kaynağı",
        r"orijinal (?:haber|makale|yazı|kaynak|metin)",
        r"(?:yazının|haberin|makalenin) (?:orijinali|aslı)",
        r"(?:artikel|berita) asli",
        r"(?:文章|新闻|新聞|本文|消息|信息|资料|資料|内容|內容|转载|轉載)(?:来源|來源|出处|出處)(?:于|於)?",
        r"(?:本文)?原文(?:链接|鏈接|连结|連結|地址|网址|網址|出处|出處)",
        r"(?:元記事|元の記事|オリジナル記事)(?:はこちら)?",
        r"원문(?: ?기사| ?보기| ?링크| ?바로 ?가기)",
        r"기사 ?원문(?: ?보기)?",
        r"(?:المقال|الخبر|الرابط) (?:الأصلي|الاصلي)",
        r"رابط (?:المصدر|الخبر)",
        r"(?:לכתבה המקורית|לכתבה המלאה|הכתבה המקורית|לכתבה|המקור)",
        r"sources?",
        r"via",
        r"vía",
        r"credits?",
        r"hat ?tip",
        r"h ?/ ?t",
        r"courtesy(?: of)?",
        r"(?:zur )?quellen?(?:angabe|angaben|hinweis|nachweis)?",
        r"erstveröffentlichung",
        r"fuentes?",
        r"fontes?",
        r"fonti",
        r"источник(?:и)?",
        r"по материалам(?: сайта| издания)?",
        r"за матеріалами(?: сайту| видання)?",
        r"первоисточник",
        r"оригинал",
        r"джерел[оа]",
        r"першоджерело",
        r"оригінал",
        r"източник",
        r"извор",
        r"źródł[oa]",
        r"zrodl[oa]",
        r"bronn?(?:en)?",
        r"kaynak(?:lar)?",
        r"k[äa]ll(?:a|or)",
        r"kilder?",
        r"lähde",
        r"lähteet",
        r"zdroj(?:e)?",
        r"forrás",
        r"surs[aă]",
        r"izvor",
        r"πηγ(?:ή|ές|η|ες)",  # headings in capitals drop the accent: ΠΗΓΗ, ΠΗΓΕΣ
        r"nguồn(?: tin| tham khảo| bài viết| bài)?",
        r"bài (?:viết )?gốc",
        r"theo",
        r"sumber(?: berita| artikel| tulisan)?",
        r"chanzo",
        r"ماخذ",
        r"allikas",
        r"avots",
        r"šaltinis",
        r"крыніца",
        r"дереккөз",
        r"منبع(?: (?:خبر|مطلب))?",
        r"(?:ال)?مصدر(?: (?:الخبر|المقال|النص))?",
        r"المصادر",
        r"מקור(?:ות)?",
        r"स्रोत",
        r"সূত্র",
        r"ที่มา",
        r"(?:来源|來源|出处|出處|来自|來自|原文|转自|轉自)",
        r"(?:来源|來源)(?:于|於|自)",
        r"(?:源自|引自|出自|摘自|转载自|轉載自|稿源)",
        r"(?:出典|出所|引用元|参照元|情報元|情報源|ソース)",
        r"(?:출처|원문|소스)",
        # "taken from", "based on", "seen at", "courtesy of", opening a line
        r"(?:dikutip|dilansir|disadur|diolah) dari",
        *LINE_LABELS,
        r"(?:artículo|articulo|artigo|matéria) (?:extraído|extraido|tomado|retirado) "
        r"(?:de|do|da|del)",
        r"articolo tratto da",
        r"link zum (?:artikel|original|beitrag)",
        # not "na podstawie" alone: "Na podstawie <a>ustawy</a>" cites a law
        r"na podstawie (?:materiałów|artykułu|informacji|tekstu|wpisu)"
        r"(?: (?:z|ze|portalu|serwisu))?",
        r"взято (?:с|со|из|у)",
        r"(?:передрук|передруковано|взято) з",
        r"preluare",
        r"preluat (?:de pe|din|de la)",
        r"articol preluat (?:de pe|din|de la)",
        r"preuzeto (?:sa|s|iz|od)(?: (?:portala|sajta|stranice|web ?stranice))?",
        r"преузето (?:са|с|из|од)(?: (?:портала|сајта))?",
        r"vir",
        r"převzato (?:z|ze)",
        r"prevzaté (?:z|zo)",
        r"eredeti (?:cikk|írás|közlemény)",
        r"mənbə",
        r"manba",
        r"წყარო",
        r"աղբյուր",
        r"மூலம்",
        r"साभार",
        r"بشکریہ",
        r"برگرفته از",
    ),
}

# The whole text of a link that stands alone in the closing paragraph of a post and
# points to another site: "Continue reading…", "Read more »" (a *link-only* credit:
# excerpt feeds, planets, Medium). Matched on the folded link text, any trailing
# arrows, ellipses and guillemets removed; "… on SITE"/"… at SITE" may follow.
CONTINUE_READING: tuple[str, ...] = (
    r"continue reading(?: (?:the|this) (?:full )?(?:article|story|post))?",
    r"(?:read|view) (?:more|the rest(?: of (?:this|the) (?:article|story|post))?|full article)",
    r"keep reading",
    r"(?:view|read) (?:the )?original(?: (?:post|article|story))?",
    r"weiterlesen",
    r"(?:lire|voir) la suite",
    r"(?:seguir|sigue|continuar) leyendo|leer más",
    r"continu(?:e|ar) lendo|leia mais",
    r"(?:leggi|continua a leggere)(?: tutto| di più)?",
    r"читать (?:далее|дальше|полностью)|подробнее",
    r"devamını oku|devamı",
    r"đọc tiếp|xem tiếp",
    r"baca selengkapnya|selengkapnya",
    r"続きを読む|もっと読む",
    r"阅读全文|閱讀全文|继续阅读|繼續閱讀|阅读更多",
    r"더 ?보기|계속 읽기",
    r"اقرأ المزيد|تابع القراءة",
)

# Words that may qualify a label before its colon: "Fuente original:", "Источник
# информации:", "Sumber berita:", "Nguồn tham khảo:", "Quelle (Original):". Only these:
# "Source code:" or "Source data:" are not credits.
LABEL_QUALIFIERS = (
    r"\(?(?:original[e]?|originale|originais|originales|info|information|informations|"
    r"información|informação|informazioni|информации|оригинала?|новости|статьи|berita|"
    r"artikel|asli|haber|haberin|tin|tham khảo|bài viết|news|link|url|article|story|"
    r"web|site|foto dan berita|dan berita)\)?"
)

# Link texts that ask the reader to do something (subscribe, donate, follow, download):
# such a link is never the source a credit verb points to. Regular expressions over
# the lower-cased link text.
CALLS_TO_ACTION: tuple[str, ...] = (
    r"\bsubscri|\bsign ?up\b|\bnewsletter|\bdonat|\bsupport (?:us|our)|\bfollow us|\bdownload",
    r"abonnier|abonnez|suscríb|suscrib|assine|iscriviti|подпис|abone ol|đăng ký|berlangganan",
    r"구독|購読|订阅|訂閱|اشترك",
)

# Words that make a following label an image or media credit, not a post credit.
IMAGE_WORDS: tuple[str, ...] = (
    "photo",
    "image",
    "img",
    "picture",
    "pic",
    "cover",
    "featured",
    "header",
    "video",
    "illustration",
    "graphic",
    "chart",
    "map",
    "foto",
    "bild",
    "bilder",
    "titelbild",
    "imagen",
    "imágenes",
    "imagem",
    "immagine",
    "immagini",
    "фото",
    "изображения",
    "видео",
    "зображення",
    "zdjęcia",
    "zdjęcie",
    "görsel",
    "resim",
    "fotoğraf",
    "afbeelding",
    "kép",
    "εικόνα",
    "图片",
    "圖片",
    "图",
    "写真",
    "画像",
    "사진",
    "이미지",
    "صورة",
    "الصورة",
    "תמונה",
    "عکس",
    # the languages of the "taken from" labels too (a review: "Picha: Kwa hisani ya <a>")
    "تصویر",
    "picha",
    "फोटो",
    "तस्वीर",
    "चित्र",
    "ფოტო",
    "სურათი",
    "şəkil",
    "surat",
    "rasm",
    "படம்",
    "gambar",
    "fotografija",
    "slika",
    "fotó",
    "obrázek",
    "snímek",
    "imagine",
    "fotografie",
)

# What a line of a list may name before its link that is not an outlet ("Related
# coverage: <a>", "Tags: <a>", "Previous post: <a>", "Written by: <a>"): such a line is
# not an item of a list of sources ("Reuters: <a>"). Matched on the first words of
# the folded name (image words, first or last, too: "Photo credit:", "Cover photo:").
NOT_OUTLET_NAMES: tuple[str, ...] = (
    # en
    "related",
    "see also",
    "read also",
    "also read",
    "read more",
    "more",
    "next",
    "previous",
    "prev",
    "tags",
    "tag",
    "tagged",
    "topics",
    "labels",
    "category",
    "categories",
    "filed under",
    "posted in",
    "share",
    "comments",
    "author",
    "written by",
    "by",
    "editor",
    "edited by",
    "contact",
    "email",
    "update",
    "updated",
    "updates",
    "you may also like",
    "also on",
    "license",
    "licence",
    "copyright",
    "credit",
    "credits",
    "follow",
    "our channel",
    "translated by",
    "translation",
    "reporting",
    "published",
    "discuss",
    "archive",
    "disclosure",
    "part",
    "subscribe",
    # de
    "siehe auch",
    "lesen sie auch",
    "auch interessant",
    "mehr zum thema",
    "weitere artikel",
    "verwandte artikel",
    "autor",
    "autorin",
    "schlagwörter",
    "übersetzung",
    # fr
    "voir aussi",
    "lire aussi",
    "à lire aussi",
    "a lire aussi",
    "à voir aussi",
    "sur le même sujet",
    "auteur",
    "mots-clés",
    # es
    "ver también",
    "lee también",
    "relacionado",
    "relacionados",
    "noticias relacionadas",
    "te puede interesar",
    "también te puede interesar",
    "etiquetas",
    "traducción",
    # pt
    "veja também",
    "leia também",
    "leia mais",
    "saiba mais",
    "relacionadas",
    # it
    "leggi anche",
    "vedi anche",
    "articoli correlati",
    # ru/uk
    "см. также",
    "смотрите также",
    "читайте также",
    "читайте по теме",
    "по теме",
    "теги",
    "метки",
    "автор",
    "наш канал",
    "перевод",
    "подписывайтесь",
    "читайте також",
    "дивіться також",
    # pl/nl/sv
    "czytaj także",
    "czytaj też",
    "zobacz też",
    "zobacz także",
    "tagi",
    "lees ook",
    "gerelateerd",
    "läs också",
    "läs mer",
    # tr
    "ayrıca bakınız",
    "etiketler",
    "ilgili haberler",
    # el
    "διαβάστε επίσης",
    "δείτε επίσης",
    "σχετικά",
    "ετικέτες",
    # ar/he
    "اقرأ أيضا",
    "اقرأ أيضاً",
    "اقرأ أيضًا",
    "ذات صلة",
    "المزيد",
    "تابعونا",
    "קראו גם",
    "כתבות נוספות",
)

# Labels that announce a list of sources: every link on the line counts, and the
# lines right under it that are links (list items, numbered lines).
PLURAL_HINTS: tuple[str, ...] = (
    "sources",
    "quellen",
    "fuentes",
    "fontes",
    "fonti",
    "источники",
    "źródła",
    "bronnen",
    "kaynaklar",
    "джерела",
    "källor",
    "kilder",
    "lähteet",
    "zdroje",
    "πηγές",
    "πηγες",
    "المصادر",
    "מקורות",
)
