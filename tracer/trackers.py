"""The tracker table: which query parameters only track a click, and where.

Data only, no logic (``tracer.urls`` reads it). Every name is lower-case;
``tracer.urls`` matches parameter names case-insensitively after
percent-decoding them.

Where the names come from (studied, then written down as our own table):

* **ClearURLs** rules (``ClearURLs/Rules`` ``data.json``: the ``globalRules``
  provider and the per-site providers for Facebook, Twitter, YouTube, Reddit,
  TechCrunch/Yahoo, Bing, IMDb, ...).
* **Brave**'s query filter (``brave-core`` ``components/query_filter``:
  ``kSimpleQueryStringTrackers``, its scoped trackers ``igsh``/``igshid`` on
  Instagram, ``ref_src``/``ref_url`` on Twitter/X, ``si`` on YouTube) and
  **Firefox**'s ``privacy.query_stripping.strip_list``.
* **Platform docs** of the analytics and ad tools that mint the names: Google
  Analytics/Ads (``utm_*``, ``gclid``, ``gbraid``/``wbraid``, ``_gl``),
  Matomo/Piwik (``mtm_*``, ``pk_campaign``...), AT Internet (``xtor``,
  ``at_medium``...), Webtrends (``WT.mc_id``), Adobe (``s_cid``), HubSpot,
  Mailchimp, Marketo, Outbrain/Taboola click ids.
* **Publishers' own feed and share markers** seen on article links
  (``?partner=rss&emc=rss`` at the New York Times, ``?mod=rss_...`` at the Wall
  Street Journal, ``?source=rss----...`` at Medium, ``?CMP=`` at the Guardian).

Rules for adding a name: a global name must be
unambiguous everywhere (a click id or a campaign tag of a known tool). A generic
name (``source``, ``from``, ``ref``, ``src``, ``feed``, ``s``, ``t``, ``mod``...)
goes only under the site where it is known to be a tracker: elsewhere it may be
the article id or the resource itself.
"""

from __future__ import annotations

__all__ = [
    "GLOBAL_NAMES",
    "GLOBAL_PREFIXES",
    "SITE_NAMES",
    "SITE_PREFIXES",
]

GLOBAL_PREFIXES: tuple[str, ...] = (
    # Google Analytics campaign tags (platform docs; ClearURLs globalRules "utm_*").
    "utm_",
    # Matomo campaign tags (Matomo docs; Brave "mtm_cid").
    "mtm_",
    # Webtrends: WT.mc_id, WT.z_*, WT.tsrc (Webtrends docs; ClearURLs "wt_?z?mc").
    "wt.",
    # Cloudflare challenge tokens left on a URL after a bot check.
    "__cf_chl_",
    # HubSpot ads tags hsa_acc, hsa_cam, hsa_grp, hsa_ad... (HubSpot docs).
    "hsa_",
    # Olytics and Vero e-mail ids ("oly_*", "vero_*"; stripped by Brave, Firefox).
    "oly_",
    "vero_",
    # Onet/other campaign tags otm_source, otm_medium... (ClearURLs globalRules "otm_*").
    "otm_",
)

GLOBAL_NAMES: frozenset[str] = frozenset(
    {
        # --- click ids of ad and social platforms (Brave, Firefox, ClearURLs) ---
        "fbclid",  # Facebook
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",  # Google Ads / DoubleClick
        "gad_source",
        "gad_campaignid",  # Google Ads (2023+ landing tags)
        "msclkid",  # Microsoft Ads
        "yclid",
        "ysclid",
        "ymclid",  # Yandex
        "twclid",  # Twitter/X ads
        "ttclid",  # TikTok ads
        "li_fat_id",  # LinkedIn ads
        "epik",  # Pinterest
        "igshid",  # Instagram share id (never an article id anywhere)
        "srsltid",  # Google Shopping result id (Brave)
        "irclickid",  # Impact Radius (Brave)
        "rb_clickid",  # Rakuten (Brave)
        "wickedid",  # Wicked Reports (Brave)
        "unicorn_click_id",  # (Brave)
        "dicbo",
        "oborigurl",  # Outbrain click id / origin marker
        "tblci",  # Taboola click id
        "s_cid",
        "s_kwcid",
        "ef_id",  # Adobe Analytics / Advertising
        "_openstat",  # Yandex Openstat (ClearURLs, Brave)
        "__twitter_impression",  # (ClearURLs)
        "echobox",  # Echobox social scheduling stamp (ClearURLs "Echobox")
        "cmpid",  # campaign id (ClearURLs globalRules)
        "os_ehash",
        "tracking_source",
        "ceneo_spo",
        "spm",  # (ClearURLs globalRules)
        "sznclid",  # Seznam click id (ClearURLs Czech news providers)
        # --- Google Analytics cross-domain linker (Brave "_gl"; GA docs "_ga") ---
        "_ga",
        "_gl",
        # --- e-mail marketing tools (Brave, Firefox, ClearURLs) ---
        "mc_cid",
        "mc_eid",
        "mc_tc",  # Mailchimp
        "mkt_tok",  # Marketo
        "_hsenc",
        "_hsmi",
        "__hsfp",
        "__hssc",
        "__hstc",
        "hsctatracking",  # HubSpot
        "_kx",
        "_ke",  # Klaviyo
        "__s",  # Drip (Brave)
        "ml_subscriber",
        "ml_subscriber_hash",  # MailerLite
        "bsft_clkid",
        "bsft_uid",  # Blueshift
        "et_rid",  # Acoustic / Silverpop
        "bbeml",  # (Brave)
        "ss_email_id",  # Squarespace (Brave)
        "vgo_ee",  # ActiveCampaign (Brave)
        "_bhlid",  # beehiiv (Brave)
        "_branch_match_id",
        "_branch_referrer",  # Branch deep links (Brave)
        "at_recipient_id",
        "at_recipient_list",  # (Brave)
        "ck_subscriber_id",  # ConvertKit
        "oft_c",
        "oft_ck",
        "oft_d",
        "oft_id",
        "oft_ids",
        "oft_k",
        "oft_lk",
        "oft_sk",  # Brave
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",  # Yahoo consent bounce (Brave)
        # --- Facebook share stamps on the target site (ClearURLs globalRules) ---
        "fb_action_ids",
        "fb_action_types",
        "fb_comment_id",
        "fb_ref",
        "fb_source",
        "action_object_map",
        "action_type_map",
        "action_ref_map",
        # --- other campaign-tag families (ClearURLs globalRules, vendor docs) ---
        "ga_source",
        "ga_medium",
        "ga_term",
        "ga_content",
        "ga_campaign",
        "ga_place",
        "hmb_campaign",
        "hmb_medium",
        "hmb_source",
        "itm_source",
        "itm_medium",
        "itm_campaign",
        "itm_content",
        "itm_term",
        "pk_campaign",
        "pk_kwd",
        "pk_keyword",
        "pk_source",
        "pk_medium",
        "pk_content",
        "pk_cid",
        "wt_mc",
        "wt_zmc",
        "wtmc",
        "wtrid",  # Webtrends variants (ClearURLs)
        # AT Internet (Piano) tags: French and British publishers' feeds and shares.
        "xtor",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "at_link_id",
        "at_link_type",
        "at_link_origin",
        "at_ptr_name",
        "at_bbc_team",
        "at_format",
        "at_creation",
        "at_send_date",
        "at_emailtype",
        # comScore / old BBC stats tags
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        # --- AMP viewer stamps added to the article URL (AMP docs) ---
        "amp_js_v",
        "amp_gsa",
        "amp_ct",
        "amp_tf",
        "usqp",
        "__amp_source_origin",
        # --- session ids in the query (never name content) ---
        "phpsessid",
        "jsessionid",
        "aspsessionid",
    }
)

# Per-site trackers. A key matches the host itself and every subdomain of it
# (``nytimes.com`` covers ``www.nytimes.com`` and ``cooking.nytimes.com``).
SITE_NAMES: dict[str, frozenset[str]] = {
    # --- social platforms (ClearURLs providers; Brave scoped trackers) ---
    "facebook.com": frozenset(
        {
            "__tn__",
            "fref",
            "ref",
            "refsrc",
            "mibextid",
            "sfnsn",
            "rdid",
            "_rdr",
            "eid",
            "paipv",
            "extid",
            "comment_tracking",
            "dti",
            "ls_ref",
            "action_history",
            "tracking",
            "referral_code",
            "referral_story_type",
            "video_source",
        }
    ),
    "instagram.com": frozenset({"igsh", "igshid"}),
    "twitter.com": frozenset({"s", "t", "ref_src", "ref_url", "src", "cn"}),
    "x.com": frozenset({"s", "t", "ref_src", "ref_url", "src", "cn"}),
    "youtube.com": frozenset({"si", "feature", "ab_channel", "kw"}),
    "youtu.be": frozenset({"si", "feature"}),
    "reddit.com": frozenset(
        {
            "share_id",
            "ref",
            "ref_source",
            "ref_campaign",
            "rdt",
            "correlation_id",
            "$deep_link",
            "$3p",
            "$original_url",
            "_branch_match_id",
        }
    ),
    "linkedin.com": frozenset(
        {
            "trackingid",
            "refid",
            "lipi",
            "trk",
            "trkinfo",
            "trkcampaign",
            "midtoken",
            "midsig",
            "originalsubdomain",
            "original_referer",
            "rcm",
        }
    ),
    "tiktok.com": frozenset(
        {
            "_r",
            "_t",
            "is_from_webapp",
            "sender_device",
            "sender_web_id",
            "is_copy_url",
            "web_id",
            "share_app_id",
            "share_item_id",
            "share_link_id",
            "tt_from",
            "u_code",
        }
    ),
    "spotify.com": frozenset({"si"}),
    "wikipedia.org": frozenset({"wprov"}),
    # --- blogging platforms ---
    "medium.com": frozenset({"source"}),  # ?source=rss----<id>---4 on every feed item
    "substack.com": frozenset({"r", "s", "triedredirect", "showwelcome"}),
    # --- news publishers' feed and share markers ---
    "nytimes.com": frozenset(
        {
            "partner",
            "emc",
            "smid",
            "smtyp",
            "smvar",
            "referringsource",
            "action",
            "module",
            "pgtype",
            "region",
            "contentcollection",
            "contentplacement",
        }
    ),
    "theguardian.com": frozenset({"cmp"}),
    "wsj.com": frozenset({"mod"}),
    "marketwatch.com": frozenset({"mod"}),
    "barrons.com": frozenset({"mod"}),
    "reuters.com": frozenset({"feedtype", "feedname", "taid"}),
    "nbcnews.com": frozenset({"cid"}),  # cid=sm_npd_nn_tw_ma: social campaign
    "aljazeera.com": frozenset({"traffic_source"}),
    "economist.com": frozenset({"fsrc"}),
    "washingtonpost.com": frozenset({"tid", "itid", "wpisrc", "wpmk", "wpmm"}),
    "bloomberg.com": frozenset({"sref", "srnd", "leadsource"}),
    "forbes.com": frozenset({"sh"}),
    "dailymail.co.uk": frozenset({"ito"}),
    "cnn.com": frozenset({"eref"}),
    "npr.org": frozenset({"ft", "f"}),
    "bbc.co.uk": frozenset({"ocid"}),
    "bbc.com": frozenset({"ocid"}),
    "msn.com": frozenset({"ocid", "cvid", "ei", "pc"}),
    "spiegel.de": frozenset({"sara_ecid", "sara_ref", "b"}),
    "faz.net": frozenset({"gepc"}),
    # More publishers named by ClearURLs providers.
    "newyorker.com": frozenset({"source", "bxid", "cndid", "esrc", "mbid"}),
    "wired.com": frozenset({"intcid"}),
    "cnbc.com": frozenset({"__source"}),
    "diepresse.com": frozenset({"from", "xt_at"}),
    "eonline.com": frozenset({"source", "medium", "content"}),
    "nikkei.com": frozenset({"adid", "i_cid", "n_cid", "waad"}),
    "yle.fi": frozenset({"origin"}),
    "hs.fi": frozenset({"share"}),
    "swp.de": frozenset({"source"}),
    "novinky.cz": frozenset({"source", "seq_no"}),
    "seznamzpravy.cz": frozenset({"source", "seq_no"}),
    "cnet.com": frozenset({"ftag"}),
    "zdnet.com": frozenset({"ftag"}),
    # Yahoo / AOL / Oath properties (ClearURLs "techcrunch" provider).
    "yahoo.com": frozenset({"ncid", "soc_src", "soc_trk", ".tsrc", "tsrc", "sr_share"}),
    "aol.com": frozenset({"ncid", "soc_src", "soc_trk"}),
    "techcrunch.com": frozenset({"ncid", "sr", "sr_share"}),
    "engadget.com": frozenset({"ncid", "soc_src", "soc_trk"}),
    "huffpost.com": frozenset({"ncid"}),
}

SITE_PREFIXES: dict[str, tuple[str, ...]] = {
    "facebook.com": ("__cft__", "__xts__", "hc_"),  # ClearURLs facebook provider
    "lemonde.fr": ("lmd_",),  # lmd_medium, lmd_campaign, lmd_source...
    # Seznam-network news sites: dop_ab_variant, dop_req_id... (ClearURLs)
    "novinky.cz": ("dop_",),
    "seznamzpravy.cz": ("dop_",),
    "aktualne.cz": ("dop_",),
    "respekt.cz": ("dop_",),
}
