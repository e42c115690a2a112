// Generated from topics/*.json: do not edit. After changing topics/, regenerate with
//     TOUCHSTONE_REGENERATE_TOPICS=1 swift test --filter TopicCatalogTests
// (TopicCatalogTests fails while this file and topics/ differ.)
extension TopicCatalog {
    static let builtInFiles: [(name: String, json: String)] = [
        ("alerts.json", ##"""
{
  "name": "alerts",
  "description": "A verdict that reached its brand's minimum severity for the first time, or rose above the last alert for the item.",
  "partitions": 3,
  "key": "brand:platform:item_id",
  "cleanup": "delete",
  "retention_ms": 7776000000,
  "retention_bytes": null,
  "schema_version": 1,
  "value_schema": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Alert",
    "description": "TouchstoneCore.Alert",
    "type": "object",
    "required": [
      "schema",
      "alert_id",
      "brand",
      "platform",
      "item_id",
      "kind",
      "severity",
      "score",
      "reasons",
      "linked",
      "raised_at"
    ],
    "properties": {
      "schema": {
        "type": "integer",
        "enum": [
          1
        ]
      },
      "alert_id": {
        "type": "string"
      },
      "brand": {
        "type": "string"
      },
      "platform": {
        "type": "string"
      },
      "item_id": {
        "type": "string"
      },
      "kind": {
        "type": "string",
        "enum": [
          "post",
          "listing",
          "account"
        ]
      },
      "url": {
        "type": "string"
      },
      "severity": {
        "type": "string",
        "enum": [
          "none",
          "low",
          "medium",
          "high",
          "critical"
        ]
      },
      "score": {
        "type": "number"
      },
      "reasons": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/Reason"
        }
      },
      "cluster_id": {
        "type": "string"
      },
      "linked": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/LinkedItem"
        }
      },
      "raised_at": {
        "type": "string"
      }
    },
    "$defs": {
      "Reason": {
        "type": "object",
        "required": [
          "signal",
          "detail"
        ],
        "properties": {
          "signal": {
            "type": "string",
            "enum": [
              "brand-term",
              "product",
              "counterfeit-term",
              "price-under-floor",
              "authorized-account",
              "excluded",
              "image-match",
              "image-part-match",
              "same-image",
              "links-to",
              "same-contact",
              "similar-handle",
              "link-in-bio"
            ]
          },
          "detail": {
            "type": "string"
          }
        }
      },
      "LinkedItem": {
        "type": "object",
        "required": [
          "platform",
          "item_id"
        ],
        "properties": {
          "platform": {
            "type": "string"
          },
          "item_id": {
            "type": "string"
          }
        }
      }
    }
  }
}
"""##),
        ("dead-letters.json", ##"""
{
  "name": "dead-letters",
  "description": "Input lines and messages a stage could not use, with where they came from and why.",
  "partitions": 3,
  "key": "the refused message's key (for input lines: none)",
  "cleanup": "delete",
  "retention_ms": 2592000000,
  "retention_bytes": null,
  "schema_version": 1,
  "value_schema": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "DeadLetter",
    "description": "TouchstoneCore.DeadLetter",
    "type": "object",
    "required": [
      "schema",
      "stage",
      "reason",
      "at"
    ],
    "properties": {
      "schema": {
        "type": "integer",
        "enum": [
          1
        ]
      },
      "stage": {
        "type": "string"
      },
      "reason": {
        "type": "string"
      },
      "field": {
        "type": "string"
      },
      "source": {
        "type": "string"
      },
      "line": {
        "type": "integer",
        "minimum": 1
      },
      "topic": {
        "type": "string"
      },
      "partition": {
        "type": "integer",
        "minimum": 0
      },
      "offset": {
        "type": "integer",
        "minimum": 0
      },
      "payload": {
        "type": "string"
      },
      "payload_encoding": {
        "type": "string",
        "enum": [
          "utf-8",
          "base64"
        ]
      },
      "at": {
        "type": "string"
      }
    }
  }
}
"""##),
        ("decisions.json", ##"""
{
  "name": "decisions",
  "description": "Human decisions about findings. Never re-derived: they survive every replay, so they are kept forever.",
  "partitions": 3,
  "key": "brand:platform:item_id",
  "cleanup": "delete",
  "retention_ms": null,
  "retention_bytes": null,
  "schema_version": 1,
  "value_schema": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Decision",
    "description": "TouchstoneCore.Decision",
    "type": "object",
    "required": [
      "schema",
      "brand",
      "platform",
      "item_id",
      "action",
      "at"
    ],
    "properties": {
      "schema": {
        "type": "integer",
        "enum": [
          1
        ]
      },
      "brand": {
        "type": "string"
      },
      "platform": {
        "type": "string"
      },
      "item_id": {
        "type": "string"
      },
      "action": {
        "type": "string",
        "enum": [
          "confirmed",
          "dismissed",
          "takedown-sent",
          "removed"
        ]
      },
      "by": {
        "type": "string"
      },
      "note": {
        "type": "string"
      },
      "at": {
        "type": "string"
      }
    }
  }
}
"""##),
        ("findings.json", ##"""
{
  "name": "findings",
  "description": "The current judgement of each item (with its cluster); a newer message replaces every earlier one of the same key, and empty verdicts retract.",
  "partitions": 6,
  "key": "platform:item_id (Item.key)",
  "cleanup": "compact",
  "retention_ms": null,
  "retention_bytes": null,
  "schema_version": 1,
  "value_schema": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "ItemFindings",
    "description": "TouchstoneCore.ItemFindings",
    "type": "object",
    "required": [
      "schema",
      "item",
      "verdicts",
      "linked",
      "edges"
    ],
    "properties": {
      "schema": {
        "type": "integer",
        "enum": [
          1
        ]
      },
      "item": {
        "$ref": "#/$defs/Item"
      },
      "verdicts": {
        "type": "array",
        "items": {
          "type": "object",
          "required": [
            "brand",
            "severity",
            "score",
            "reasons"
          ],
          "properties": {
            "brand": {
              "type": "string"
            },
            "severity": {
              "type": "string",
              "enum": [
                "none",
                "low",
                "medium",
                "high",
                "critical"
              ]
            },
            "score": {
              "type": "number"
            },
            "reasons": {
              "type": "array",
              "items": {
                "$ref": "#/$defs/Reason"
              }
            }
          }
        }
      },
      "cluster_id": {
        "type": "string"
      },
      "linked": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/LinkedItem"
        }
      },
      "edges": {
        "type": "array",
        "items": {
          "type": "object",
          "required": [
            "from",
            "to",
            "signal",
            "detail",
            "weight"
          ],
          "properties": {
            "from": {
              "type": "string"
            },
            "to": {
              "type": "string"
            },
            "signal": {
              "type": "string",
              "enum": [
                "brand-term",
                "product",
                "counterfeit-term",
                "price-under-floor",
                "authorized-account",
                "excluded",
                "image-match",
                "image-part-match",
                "same-image",
                "links-to",
                "same-contact",
                "similar-handle",
                "link-in-bio"
              ]
            },
            "detail": {
              "type": "string"
            },
            "weight": {
              "type": "number"
            }
          }
        }
      }
    },
    "$defs": {
      "Account": {
        "type": "object",
        "required": [],
        "properties": {
          "id": {
            "type": "string"
          },
          "handle": {
            "type": "string"
          },
          "display_name": {
            "type": "string"
          },
          "bio": {
            "type": "string"
          },
          "website": {
            "type": "string"
          }
        }
      },
      "Price": {
        "type": "object",
        "required": [
          "amount"
        ],
        "properties": {
          "amount": {
            "type": "string",
            "pattern": "^-?[0-9]+(\\.[0-9]+)?$"
          },
          "currency": {
            "type": [
              "string",
              "null"
            ]
          }
        }
      },
      "ProductRef": {
        "type": "object",
        "required": [
          "platform",
          "item_id"
        ],
        "properties": {
          "platform": {
            "type": "string"
          },
          "item_id": {
            "type": "string"
          }
        }
      },
      "Link": {
        "type": "object",
        "required": [
          "url",
          "found_in",
          "products"
        ],
        "properties": {
          "url": {
            "type": "string"
          },
          "found_in": {
            "type": "string"
          },
          "products": {
            "type": "array",
            "items": {
              "$ref": "#/$defs/ProductRef"
            }
          }
        }
      },
      "Contact": {
        "type": "object",
        "required": [
          "kind",
          "value"
        ],
        "properties": {
          "kind": {
            "type": "string",
            "enum": [
              "phone",
              "whatsapp",
              "email",
              "telegram"
            ]
          },
          "value": {
            "type": "string"
          }
        }
      },
      "RawRef": {
        "type": "object",
        "required": [
          "topic",
          "partition",
          "offset",
          "sha256"
        ],
        "properties": {
          "topic": {
            "type": "string"
          },
          "partition": {
            "type": "integer",
            "minimum": 0
          },
          "offset": {
            "type": "integer",
            "minimum": 0
          },
          "sha256": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
          },
          "source": {
            "type": "string"
          },
          "line": {
            "type": "integer",
            "minimum": 1
          },
          "captured_at": {
            "type": "string"
          }
        }
      },
      "ReferenceMatch": {
        "type": "object",
        "required": [
          "brand",
          "reference",
          "distance",
          "transform"
        ],
        "properties": {
          "brand": {
            "type": "string"
          },
          "reference": {
            "type": "string"
          },
          "distance": {
            "type": "integer",
            "minimum": 0,
            "maximum": 256
          },
          "transform": {
            "type": "string",
            "enum": [
              "original",
              "rotate90",
              "rotate180",
              "rotate270",
              "mirror",
              "mirror-rotate90",
              "mirror-rotate180",
              "mirror-rotate270"
            ]
          },
          "region": {
            "type": "array",
            "items": {
              "type": "integer"
            },
            "minItems": 4,
            "maxItems": 4
          }
        }
      },
      "Picture": {
        "type": "object",
        "required": [
          "url"
        ],
        "properties": {
          "url": {
            "type": "string"
          },
          "sha256": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
          },
          "byte_count": {
            "type": "integer",
            "minimum": 0
          },
          "width": {
            "type": "integer",
            "minimum": 0
          },
          "height": {
            "type": "integer",
            "minimum": 0
          },
          "pdq": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
          },
          "quality": {
            "type": "integer",
            "minimum": 0,
            "maximum": 100
          },
          "matches": {
            "type": "array",
            "items": {
              "$ref": "#/$defs/ReferenceMatch"
            }
          },
          "error": {
            "type": "string"
          }
        }
      },
      "Signal": {
        "type": "object",
        "required": [
          "brand",
          "signal",
          "rule"
        ],
        "properties": {
          "brand": {
            "type": "string"
          },
          "signal": {
            "type": "string",
            "enum": [
              "brand-term",
              "product",
              "counterfeit-term",
              "price-under-floor",
              "authorized-account",
              "excluded",
              "image-match",
              "image-part-match",
              "same-image",
              "links-to",
              "same-contact",
              "similar-handle",
              "link-in-bio"
            ]
          },
          "rule": {
            "type": "string"
          },
          "field": {
            "type": "string"
          },
          "span": {
            "type": "array",
            "items": {
              "type": "integer",
              "minimum": 0
            },
            "minItems": 2,
            "maxItems": 2
          },
          "matched": {
            "type": "string"
          },
          "normalized": {
            "type": "string"
          },
          "detail": {
            "type": "string"
          }
        }
      },
      "ProfileVersion": {
        "type": "object",
        "required": [
          "brand",
          "version"
        ],
        "properties": {
          "brand": {
            "type": "string"
          },
          "version": {
            "type": "string"
          }
        }
      },
      "Item": {
        "type": "object",
        "required": [
          "schema",
          "platform",
          "item_id",
          "kind",
          "pictures",
          "links",
          "hashtags",
          "mentions",
          "contacts"
        ],
        "properties": {
          "schema": {
            "type": "integer",
            "enum": [
              1
            ]
          },
          "platform": {
            "type": "string"
          },
          "item_id": {
            "type": "string"
          },
          "kind": {
            "type": "string",
            "enum": [
              "post",
              "listing",
              "account"
            ]
          },
          "url": {
            "type": "string"
          },
          "account": {
            "$ref": "#/$defs/Account"
          },
          "title": {
            "type": "string"
          },
          "text": {
            "type": "string"
          },
          "price": {
            "$ref": "#/$defs/Price"
          },
          "pictures": {
            "type": "array",
            "items": {
              "$ref": "#/$defs/Picture"
            }
          },
          "links": {
            "type": "array",
            "items": {
              "$ref": "#/$defs/Link"
            }
          },
          "hashtags": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "mentions": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "contacts": {
            "type": "array",
            "items": {
              "$ref": "#/$defs/Contact"
            }
          },
          "posted_at": {
            "type": "string"
          },
          "raw": {
            "$ref": "#/$defs/RawRef"
          },
          "signals": {
            "type": "array",
            "items": {
              "$ref": "#/$defs/Signal"
            }
          },
          "profiles": {
            "type": "array",
            "items": {
              "$ref": "#/$defs/ProfileVersion"
            }
          }
        }
      },
      "Reason": {
        "type": "object",
        "required": [
          "signal",
          "detail"
        ],
        "properties": {
          "signal": {
            "type": "string",
            "enum": [
              "brand-term",
              "product",
              "counterfeit-term",
              "price-under-floor",
              "authorized-account",
              "excluded",
              "image-match",
              "image-part-match",
              "same-image",
              "links-to",
              "same-contact",
              "similar-handle",
              "link-in-bio"
            ]
          },
          "detail": {
            "type": "string"
          }
        }
      },
      "LinkedItem": {
        "type": "object",
        "required": [
          "platform",
          "item_id"
        ],
        "properties": {
          "platform": {
            "type": "string"
          },
          "item_id": {
            "type": "string"
          }
        }
      }
    }
  }
}
"""##),
        ("items.hashed.json", ##"""
{
  "name": "items.hashed",
  "description": "Items with pictures fetched, decoded and hashed by hash-images (pictures[].pdq, sha256, matches).",
  "partitions": 6,
  "key": "platform:item_id (Item.key)",
  "cleanup": "delete",
  "retention_ms": null,
  "retention_bytes": null,
  "schema_version": 1,
  "value_schema": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Item",
    "description": "The canonical item with picture hashes (TouchstoneCore.Item).",
    "type": "object",
    "required": [
      "schema",
      "platform",
      "item_id",
      "kind",
      "pictures",
      "links",
      "hashtags",
      "mentions",
      "contacts"
    ],
    "properties": {
      "schema": {
        "type": "integer",
        "enum": [
          1
        ]
      },
      "platform": {
        "type": "string"
      },
      "item_id": {
        "type": "string"
      },
      "kind": {
        "type": "string",
        "enum": [
          "post",
          "listing",
          "account"
        ]
      },
      "url": {
        "type": "string"
      },
      "account": {
        "$ref": "#/$defs/Account"
      },
      "title": {
        "type": "string"
      },
      "text": {
        "type": "string"
      },
      "price": {
        "$ref": "#/$defs/Price"
      },
      "pictures": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/Picture"
        }
      },
      "links": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/Link"
        }
      },
      "hashtags": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "mentions": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "contacts": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/Contact"
        }
      },
      "posted_at": {
        "type": "string"
      },
      "raw": {
        "$ref": "#/$defs/RawRef"
      },
      "signals": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/Signal"
        }
      },
      "profiles": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/ProfileVersion"
        }
      }
    },
    "$defs": {
      "Account": {
        "type": "object",
        "required": [],
        "properties": {
          "id": {
            "type": "string"
          },
          "handle": {
            "type": "string"
          },
          "display_name": {
            "type": "string"
          },
          "bio": {
            "type": "string"
          },
          "website": {
            "type": "string"
          }
        }
      },
      "Price": {
        "type": "object",
        "required": [
          "amount"
        ],
        "properties": {
          "amount": {
            "type": "string",
            "pattern": "^-?[0-9]+(\\.[0-9]+)?$"
          },
          "currency": {
            "type": [
              "string",
              "null"
            ]
          }
        }
      },
      "ProductRef": {
        "type": "object",
        "required": [
          "platform",
          "item_id"
        ],
        "properties": {
          "platform": {
            "type": "string"
          },
          "item_id": {
            "type": "string"
          }
        }
      },
      "Link": {
        "type": "object",
        "required": [
          "url",
          "found_in",
          "products"
        ],
        "properties": {
          "url": {
            "type": "string"
          },
          "found_in": {
            "type": "string"
          },
          "products": {
            "type": "array",
            "items": {
              "$ref": "#/$defs/ProductRef"
            }
          }
        }
      },
      "Contact": {
        "type": "object",
        "required": [
          "kind",
          "value"
        ],
        "properties": {
          "kind": {
            "type": "string",
            "enum": [
              "phone",
              "whatsapp",
              "email",
              "telegram"
            ]
          },
          "value": {
            "type": "string"
          }
        }
      },
      "RawRef": {
        "type": "object",
        "required": [
          "topic",
          "partition",
          "offset",
          "sha256"
        ],
        "properties": {
          "topic": {
            "type": "string"
          },
          "partition": {
            "type": "integer",
            "minimum": 0
          },
          "offset": {
            "type": "integer",
            "minimum": 0
          },
          "sha256": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
          },
          "source": {
            "type": "string"
          },
          "line": {
            "type": "integer",
            "minimum": 1
          },
          "captured_at": {
            "type": "string"
          }
        }
      },
      "ReferenceMatch": {
        "type": "object",
        "required": [
          "brand",
          "reference",
          "distance",
          "transform"
        ],
        "properties": {
          "brand": {
            "type": "string"
          },
          "reference": {
            "type": "string"
          },
          "distance": {
            "type": "integer",
            "minimum": 0,
            "maximum": 256
          },
          "transform": {
            "type": "string",
            "enum": [
              "original",
              "rotate90",
              "rotate180",
              "rotate270",
              "mirror",
              "mirror-rotate90",
              "mirror-rotate180",
              "mirror-rotate270"
            ]
          },
          "region": {
            "type": "array",
            "items": {
              "type": "integer"
            },
            "minItems": 4,
            "maxItems": 4
          }
        }
      },
      "Picture": {
        "type": "object",
        "required": [
          "url"
        ],
        "properties": {
          "url": {
            "type": "string"
          },
          "sha256": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
          },
          "byte_count": {
            "type": "integer",
            "minimum": 0
          },
          "width": {
            "type": "integer",
            "minimum": 0
          },
          "height": {
            "type": "integer",
            "minimum": 0
          },
          "pdq": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
          },
          "quality": {
            "type": "integer",
            "minimum": 0,
            "maximum": 100
          },
          "matches": {
            "type": "array",
            "items": {
              "$ref": "#/$defs/ReferenceMatch"
            }
          },
          "error": {
            "type": "string"
          }
        }
      },
      "Signal": {
        "type": "object",
        "required": [
          "brand",
          "signal",
          "rule"
        ],
        "properties": {
          "brand": {
            "type": "string"
          },
          "signal": {
            "type": "string",
            "enum": [
              "brand-term",
              "product",
              "counterfeit-term",
              "price-under-floor",
              "authorized-account",
              "excluded",
              "image-match",
              "image-part-match",
              "same-image",
              "links-to",
              "same-contact",
              "similar-handle",
              "link-in-bio"
            ]
          },
          "rule": {
            "type": "string"
          },
          "field": {
            "type": "string"
          },
          "span": {
            "type": "array",
            "items": {
              "type": "integer",
              "minimum": 0
            },
            "minItems": 2,
            "maxItems": 2
          },
          "matched": {
            "type": "string"
          },
          "normalized": {
            "type": "string"
          },
          "detail": {
            "type": "string"
          }
        }
      },
      "ProfileVersion": {
        "type": "object",
        "required": [
          "brand",
          "version"
        ],
        "properties": {
          "brand": {
            "type": "string"
          },
          "version": {
            "type": "string"
          }
        }
      }
    }
  }
}
"""##),
        ("items.json", ##"""
{
  "name": "items",
  "description": "Canonical items made by normalize from the raw topics.",
  "partitions": 6,
  "key": "platform:item_id (Item.key)",
  "cleanup": "delete",
  "retention_ms": null,
  "retention_bytes": null,
  "schema_version": 1,
  "value_schema": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Item",
    "description": "The canonical item (TouchstoneCore.Item).",
    "type": "object",
    "required": [
      "schema",
      "platform",
      "item_id",
      "kind",
      "pictures",
      "links",
      "hashtags",
      "mentions",
      "contacts"
    ],
    "properties": {
      "schema": {
        "type": "integer",
        "enum": [
          1
        ]
      },
      "platform": {
        "type": "string"
      },
      "item_id": {
        "type": "string"
      },
      "kind": {
        "type": "string",
        "enum": [
          "post",
          "listing",
          "account"
        ]
      },
      "url": {
        "type": "string"
      },
      "account": {
        "$ref": "#/$defs/Account"
      },
      "title": {
        "type": "string"
      },
      "text": {
        "type": "string"
      },
      "price": {
        "$ref": "#/$defs/Price"
      },
      "pictures": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/Picture"
        }
      },
      "links": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/Link"
        }
      },
      "hashtags": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "mentions": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "contacts": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/Contact"
        }
      },
      "posted_at": {
        "type": "string"
      },
      "raw": {
        "$ref": "#/$defs/RawRef"
      },
      "signals": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/Signal"
        }
      },
      "profiles": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/ProfileVersion"
        }
      }
    },
    "$defs": {
      "Account": {
        "type": "object",
        "required": [],
        "properties": {
          "id": {
            "type": "string"
          },
          "handle": {
            "type": "string"
          },
          "display_name": {
            "type": "string"
          },
          "bio": {
            "type": "string"
          },
          "website": {
            "type": "string"
          }
        }
      },
      "Price": {
        "type": "object",
        "required": [
          "amount"
        ],
        "properties": {
          "amount": {
            "type": "string",
            "pattern": "^-?[0-9]+(\\.[0-9]+)?$"
          },
          "currency": {
            "type": [
              "string",
              "null"
            ]
          }
        }
      },
      "ProductRef": {
        "type": "object",
        "required": [
          "platform",
          "item_id"
        ],
        "properties": {
          "platform": {
            "type": "string"
          },
          "item_id": {
            "type": "string"
          }
        }
      },
      "Link": {
        "type": "object",
        "required": [
          "url",
          "found_in",
          "products"
        ],
        "properties": {
          "url": {
            "type": "string"
          },
          "found_in": {
            "type": "string"
          },
          "products": {
            "type": "array",
            "items": {
              "$ref": "#/$defs/ProductRef"
            }
          }
        }
      },
      "Contact": {
        "type": "object",
        "required": [
          "kind",
          "value"
        ],
        "properties": {
          "kind": {
            "type": "string",
            "enum": [
              "phone",
              "whatsapp",
              "email",
              "telegram"
            ]
          },
          "value": {
            "type": "string"
          }
        }
      },
      "RawRef": {
        "type": "object",
        "required": [
          "topic",
          "partition",
          "offset",
          "sha256"
        ],
        "properties": {
          "topic": {
            "type": "string"
          },
          "partition": {
            "type": "integer",
            "minimum": 0
          },
          "offset": {
            "type": "integer",
            "minimum": 0
          },
          "sha256": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
          },
          "source": {
            "type": "string"
          },
          "line": {
            "type": "integer",
            "minimum": 1
          },
          "captured_at": {
            "type": "string"
          }
        }
      },
      "ReferenceMatch": {
        "type": "object",
        "required": [
          "brand",
          "reference",
          "distance",
          "transform"
        ],
        "properties": {
          "brand": {
            "type": "string"
          },
          "reference": {
            "type": "string"
          },
          "distance": {
            "type": "integer",
            "minimum": 0,
            "maximum": 256
          },
          "transform": {
            "type": "string",
            "enum": [
              "original",
              "rotate90",
              "rotate180",
              "rotate270",
              "mirror",
              "mirror-rotate90",
              "mirror-rotate180",
              "mirror-rotate270"
            ]
          },
          "region": {
            "type": "array",
            "items": {
              "type": "integer"
            },
            "minItems": 4,
            "maxItems": 4
          }
        }
      },
      "Picture": {
        "type": "object",
        "required": [
          "url"
        ],
        "properties": {
          "url": {
            "type": "string"
          },
          "sha256": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
          },
          "byte_count": {
            "type": "integer",
            "minimum": 0
          },
          "width": {
            "type": "integer",
            "minimum": 0
          },
          "height": {
            "type": "integer",
            "minimum": 0
          },
          "pdq": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
          },
          "quality": {
            "type": "integer",
            "minimum": 0,
            "maximum": 100
          },
          "matches": {
            "type": "array",
            "items": {
              "$ref": "#/$defs/ReferenceMatch"
            }
          },
          "error": {
            "type": "string"
          }
        }
      },
      "Signal": {
        "type": "object",
        "required": [
          "brand",
          "signal",
          "rule"
        ],
        "properties": {
          "brand": {
            "type": "string"
          },
          "signal": {
            "type": "string",
            "enum": [
              "brand-term",
              "product",
              "counterfeit-term",
              "price-under-floor",
              "authorized-account",
              "excluded",
              "image-match",
              "image-part-match",
              "same-image",
              "links-to",
              "same-contact",
              "similar-handle",
              "link-in-bio"
            ]
          },
          "rule": {
            "type": "string"
          },
          "field": {
            "type": "string"
          },
          "span": {
            "type": "array",
            "items": {
              "type": "integer",
              "minimum": 0
            },
            "minItems": 2,
            "maxItems": 2
          },
          "matched": {
            "type": "string"
          },
          "normalized": {
            "type": "string"
          },
          "detail": {
            "type": "string"
          }
        }
      },
      "ProfileVersion": {
        "type": "object",
        "required": [
          "brand",
          "version"
        ],
        "properties": {
          "brand": {
            "type": "string"
          },
          "version": {
            "type": "string"
          }
        }
      }
    }
  }
}
"""##),
        ("items.matched.json", ##"""
{
  "name": "items.matched",
  "description": "Items with every signal text-match found for every brand (signals, profiles).",
  "partitions": 6,
  "key": "platform:item_id (Item.key)",
  "cleanup": "delete",
  "retention_ms": null,
  "retention_bytes": null,
  "schema_version": 1,
  "value_schema": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Item",
    "description": "The canonical item with signals (TouchstoneCore.Item).",
    "type": "object",
    "required": [
      "schema",
      "platform",
      "item_id",
      "kind",
      "pictures",
      "links",
      "hashtags",
      "mentions",
      "contacts"
    ],
    "properties": {
      "schema": {
        "type": "integer",
        "enum": [
          1
        ]
      },
      "platform": {
        "type": "string"
      },
      "item_id": {
        "type": "string"
      },
      "kind": {
        "type": "string",
        "enum": [
          "post",
          "listing",
          "account"
        ]
      },
      "url": {
        "type": "string"
      },
      "account": {
        "$ref": "#/$defs/Account"
      },
      "title": {
        "type": "string"
      },
      "text": {
        "type": "string"
      },
      "price": {
        "$ref": "#/$defs/Price"
      },
      "pictures": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/Picture"
        }
      },
      "links": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/Link"
        }
      },
      "hashtags": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "mentions": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "contacts": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/Contact"
        }
      },
      "posted_at": {
        "type": "string"
      },
      "raw": {
        "$ref": "#/$defs/RawRef"
      },
      "signals": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/Signal"
        }
      },
      "profiles": {
        "type": "array",
        "items": {
          "$ref": "#/$defs/ProfileVersion"
        }
      }
    },
    "$defs": {
      "Account": {
        "type": "object",
        "required": [],
        "properties": {
          "id": {
            "type": "string"
          },
          "handle": {
            "type": "string"
          },
          "display_name": {
            "type": "string"
          },
          "bio": {
            "type": "string"
          },
          "website": {
            "type": "string"
          }
        }
      },
      "Price": {
        "type": "object",
        "required": [
          "amount"
        ],
        "properties": {
          "amount": {
            "type": "string",
            "pattern": "^-?[0-9]+(\\.[0-9]+)?$"
          },
          "currency": {
            "type": [
              "string",
              "null"
            ]
          }
        }
      },
      "ProductRef": {
        "type": "object",
        "required": [
          "platform",
          "item_id"
        ],
        "properties": {
          "platform": {
            "type": "string"
          },
          "item_id": {
            "type": "string"
          }
        }
      },
      "Link": {
        "type": "object",
        "required": [
          "url",
          "found_in",
          "products"
        ],
        "properties": {
          "url": {
            "type": "string"
          },
          "found_in": {
            "type": "string"
          },
          "products": {
            "type": "array",
            "items": {
              "$ref": "#/$defs/ProductRef"
            }
          }
        }
      },
      "Contact": {
        "type": "object",
        "required": [
          "kind",
          "value"
        ],
        "properties": {
          "kind": {
            "type": "string",
            "enum": [
              "phone",
              "whatsapp",
              "email",
              "telegram"
            ]
          },
          "value": {
            "type": "string"
          }
        }
      },
      "RawRef": {
        "type": "object",
        "required": [
          "topic",
          "partition",
          "offset",
          "sha256"
        ],
        "properties": {
          "topic": {
            "type": "string"
          },
          "partition": {
            "type": "integer",
            "minimum": 0
          },
          "offset": {
            "type": "integer",
            "minimum": 0
          },
          "sha256": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
          },
          "source": {
            "type": "string"
          },
          "line": {
            "type": "integer",
            "minimum": 1
          },
          "captured_at": {
            "type": "string"
          }
        }
      },
      "ReferenceMatch": {
        "type": "object",
        "required": [
          "brand",
          "reference",
          "distance",
          "transform"
        ],
        "properties": {
          "brand": {
            "type": "string"
          },
          "reference": {
            "type": "string"
          },
          "distance": {
            "type": "integer",
            "minimum": 0,
            "maximum": 256
          },
          "transform": {
            "type": "string",
            "enum": [
              "original",
              "rotate90",
              "rotate180",
              "rotate270",
              "mirror",
              "mirror-rotate90",
              "mirror-rotate180",
              "mirror-rotate270"
            ]
          },
          "region": {
            "type": "array",
            "items": {
              "type": "integer"
            },
            "minItems": 4,
            "maxItems": 4
          }
        }
      },
      "Picture": {
        "type": "object",
        "required": [
          "url"
        ],
        "properties": {
          "url": {
            "type": "string"
          },
          "sha256": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
          },
          "byte_count": {
            "type": "integer",
            "minimum": 0
          },
          "width": {
            "type": "integer",
            "minimum": 0
          },
          "height": {
            "type": "integer",
            "minimum": 0
          },
          "pdq": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$"
          },
          "quality": {
            "type": "integer",
            "minimum": 0,
            "maximum": 100
          },
          "matches": {
            "type": "array",
            "items": {
              "$ref": "#/$defs/ReferenceMatch"
            }
          },
          "error": {
            "type": "string"
          }
        }
      },
      "Signal": {
        "type": "object",
        "required": [
          "brand",
          "signal",
          "rule"
        ],
        "properties": {
          "brand": {
            "type": "string"
          },
          "signal": {
            "type": "string",
            "enum": [
              "brand-term",
              "product",
              "counterfeit-term",
              "price-under-floor",
              "authorized-account",
              "excluded",
              "image-match",
              "image-part-match",
              "same-image",
              "links-to",
              "same-contact",
              "similar-handle",
              "link-in-bio"
            ]
          },
          "rule": {
            "type": "string"
          },
          "field": {
            "type": "string"
          },
          "span": {
            "type": "array",
            "items": {
              "type": "integer",
              "minimum": 0
            },
            "minItems": 2,
            "maxItems": 2
          },
          "matched": {
            "type": "string"
          },
          "normalized": {
            "type": "string"
          },
          "detail": {
            "type": "string"
          }
        }
      },
      "ProfileVersion": {
        "type": "object",
        "required": [
          "brand",
          "version"
        ],
        "properties": {
          "brand": {
            "type": "string"
          },
          "version": {
            "type": "string"
          }
        }
      }
    }
  }
}
"""##),
        ("raw.listings.json", ##"""
{
  "name": "raw.listings",
  "description": "Listings (Amazon, eBay, Etsy, Alibaba, Shopify, ...) exactly as each platform's API returns them: the value is the untouched bytes of one input line (one JSON object), kept as evidence.",
  "partitions": 6,
  "key": "platform:item_id (the platform's own id as read from the native object; a line without a readable id is keyed by its SHA-256)",
  "cleanup": "delete",
  "retention_ms": null,
  "retention_bytes": null,
  "schema_version": 1,
  "headers": {
    "required": [
      "touchstone-platform",
      "touchstone-sha256",
      "touchstone-source",
      "touchstone-captured-at"
    ],
    "descriptions": {
      "touchstone-platform": "platform name (instagram, amazon, ..., generic)",
      "touchstone-sha256": "hex SHA-256 of the message value (the untouched line)",
      "touchstone-source": "file path or http:<remote address> the line came from",
      "touchstone-line": "1-based line number inside the source",
      "touchstone-captured-at": "capture time, ISO 8601 UTC with milliseconds",
      "touchstone-context": "optional extra ingest context, e.g. a Shopify shop domain from --source"
    }
  },
  "value_schema": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "native platform object",
    "description": "One line of a message file (INPUTS.md), byte for byte; only its being a JSON object is checked here, the platform adapters check the rest.",
    "type": "object"
  }
}
"""##),
        ("raw.posts.json", ##"""
{
  "name": "raw.posts",
  "description": "Posts (Instagram, TikTok, X, Pinterest, ...) exactly as each platform's API returns them: the value is the untouched bytes of one input line (one JSON object), kept as evidence.",
  "partitions": 6,
  "key": "platform:item_id (the platform's own id as read from the native object; a line without a readable id is keyed by its SHA-256)",
  "cleanup": "delete",
  "retention_ms": null,
  "retention_bytes": null,
  "schema_version": 1,
  "headers": {
    "required": [
      "touchstone-platform",
      "touchstone-sha256",
      "touchstone-source",
      "touchstone-captured-at"
    ],
    "descriptions": {
      "touchstone-platform": "platform name (instagram, amazon, ..., generic)",
      "touchstone-sha256": "hex SHA-256 of the message value (the untouched line)",
      "touchstone-source": "file path or http:<remote address> the line came from",
      "touchstone-line": "1-based line number inside the source",
      "touchstone-captured-at": "capture time, ISO 8601 UTC with milliseconds",
      "touchstone-context": "optional extra ingest context, e.g. a Shopify shop domain from --source"
    }
  },
  "value_schema": {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "native platform object",
    "description": "One line of a message file (INPUTS.md), byte for byte; only its being a JSON object is checked here, the platform adapters check the rest.",
    "type": "object"
  }
}
"""##),
    ]
}
