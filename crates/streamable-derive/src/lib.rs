//! `#[derive(Streamable)]` for [sickle-streamable](https://docs.rs/sickle-streamable).
//!
//! | input | encoding |
//! |---|---|
//! | struct with named fields | the fields in declaration order, nothing else |
//! | unit struct (`struct X;` or `struct X {}`) | zero bytes |
//! | fieldless `#[repr(u8)]` enum | one byte, the discriminant; unknown values are rejected |
//!
//! ```
//! use sickle_streamable::{Bytes32, Streamable};
//!
//! #[derive(Streamable, Debug, PartialEq)]
//! #[repr(u8)]
//! enum NodeKind {
//!     Harvester = 2,
//!     Farmer = 3,
//! }
//!
//! #[derive(Streamable, Debug, PartialEq)]
//! struct Announce {
//!     kind: NodeKind,
//!     node_id: Bytes32,
//!     plots: Vec<u32>,
//! }
//!
//! let value = Announce { kind: NodeKind::Farmer, node_id: Bytes32::new([1; 32]), plots: vec![7] };
//! let bytes = value.to_bytes();
//! assert_eq!(bytes.len(), 1 + 32 + 4 + 4);
//! assert_eq!(Announce::from_bytes(&bytes)?, value);
//! assert!(NodeKind::from_bytes(&[9]).is_err());
//! # Ok::<(), sickle_streamable::Error>(())
//! ```
//!
//! The derive also emits `ToJsonDict` / `FromJsonDict` impls wrapped in
//! `sickle_streamable::cfg_json!`, so they exist exactly when sickle-streamable's `serde` feature
//! is on. Anything else (tuple structs, enums without `#[repr(u8)]` or with data, unions, generic
//! types) is a compile error pointing at the offending item.
//!
//! # Feature flags
//!
//! None.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::quote;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, parse_macro_input};

/// Derives `sickle_streamable::Streamable` (and, under its `serde` feature, the JSON traits).
#[proc_macro_derive(Streamable)]
pub fn derive_streamable(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

fn expand(input: &DeriveInput) -> syn::Result<TokenStream2> {
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new(
            input.generics.span(),
            "#[derive(Streamable)] does not support generic types; write the impl by hand",
        ));
    }
    match &input.data {
        Data::Struct(data) => expand_struct(input, &data.fields),
        Data::Enum(data) => expand_enum(input, data),
        Data::Union(data) => Err(syn::Error::new(
            data.union_token.span,
            "#[derive(Streamable)] does not support unions",
        )),
    }
}

fn expand_struct(input: &DeriveInput, fields: &Fields) -> syn::Result<TokenStream2> {
    let name = &input.ident;
    let name_str = name.to_string();
    let named: Vec<&syn::Field> = match fields {
        Fields::Named(named) => named.named.iter().collect(),
        Fields::Unit => Vec::new(),
        Fields::Unnamed(unnamed) => {
            return Err(syn::Error::new(
                unnamed.span(),
                "#[derive(Streamable)] needs named fields (chia classes are keyed by field name); \
                 tuple structs are not supported",
            ));
        }
    };
    let idents: Vec<&syn::Ident> = named.iter().filter_map(|f| f.ident.as_ref()).collect();
    let types: Vec<&syn::Type> = named.iter().map(|f| &f.ty).collect();
    // JSON keys are the Python field names: `r#type` is `type`.
    let keys: Vec<String> = idents.iter().map(|i| i.unraw().to_string()).collect();
    let st = quote!(::sickle_streamable::Streamable);
    let json = quote!(::sickle_streamable::json);

    Ok(quote! {
        impl #st for #name {
            const MIN_SIZE: usize = 0 #(+ <#types as #st>::MIN_SIZE)*;

            fn stream(&self, out: &mut ::std::vec::Vec<u8>) {
                let _ = &out;
                #(<#types as #st>::stream(&self.#idents, out);)*
            }

            fn parse<const TRUSTED: bool>(
                input: &mut ::sickle_streamable::Cursor<'_>,
            ) -> ::core::result::Result<Self, ::sickle_streamable::Error> {
                let _ = &input;
                ::core::result::Result::Ok(Self {
                    #(#idents: <#types as #st>::parse::<TRUSTED>(input)?,)*
                })
            }

            fn update_digest(&self, digest: &mut ::sickle_streamable::sha2::Sha256) {
                let _ = &digest;
                #(<#types as #st>::update_digest(&self.#idents, digest);)*
            }
        }

        ::sickle_streamable::cfg_json! {
            impl #json::ToJsonDict for #name {
                fn to_json_dict(&self) -> #json::serde_json::Value {
                    let mut map = #json::serde_json::Map::new();
                    #(map.insert(
                        ::std::string::String::from(#keys),
                        <#types as #json::ToJsonDict>::to_json_dict(&self.#idents),
                    );)*
                    #json::serde_json::Value::Object(map)
                }
            }

            impl #json::FromJsonDict for #name {
                fn from_json_dict(
                    value: &#json::serde_json::Value,
                ) -> ::core::result::Result<Self, #json::JsonError> {
                    let object = #json::object(value, #name_str)?;
                    let _ = &object;
                    ::core::result::Result::Ok(Self {
                        #(#idents: <#types as #json::FromJsonDict>::from_json_dict(
                            #json::field(object, #name_str, #keys)?,
                        )
                        .map_err(|e| e.in_field(#keys))?,)*
                    })
                }
            }
        }
    })
}

fn has_repr_u8(input: &DeriveInput) -> syn::Result<bool> {
    let mut found = false;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("repr")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("u8") {
                found = true;
            }
            Ok(())
        })?;
    }
    Ok(found)
}

fn expand_enum(input: &DeriveInput, data: &syn::DataEnum) -> syn::Result<TokenStream2> {
    let name = &input.ident;
    let name_str = name.to_string();
    if !has_repr_u8(input)? {
        return Err(syn::Error::new(
            name.span(),
            "#[derive(Streamable)] on an enum needs #[repr(u8)]: it is streamed as one byte",
        ));
    }
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            return Err(syn::Error::new(
                variant.fields.span(),
                "#[derive(Streamable)] supports only fieldless enum variants",
            ));
        }
    }
    let variants: Vec<&syn::Ident> = data.variants.iter().map(|v| &v.ident).collect();
    let st = quote!(::sickle_streamable::Streamable);
    let json = quote!(::sickle_streamable::json);

    Ok(quote! {
        impl #name {
            /// The byte this variant is streamed as.
            fn __streamable_value(&self) -> u8 {
                match self {
                    #(Self::#variants => Self::#variants as u8,)*
                }
            }

            /// The variant streamed as `value`, if any.
            fn __streamable_from_value(value: u8) -> ::core::option::Option<Self> {
                #(if value == Self::#variants as u8 {
                    return ::core::option::Option::Some(Self::#variants);
                })*
                ::core::option::Option::None
            }
        }

        impl #st for #name {
            const MIN_SIZE: usize = 1;

            fn stream(&self, out: &mut ::std::vec::Vec<u8>) {
                out.push(self.__streamable_value());
            }

            fn parse<const TRUSTED: bool>(
                input: &mut ::sickle_streamable::Cursor<'_>,
            ) -> ::core::result::Result<Self, ::sickle_streamable::Error> {
                let offset = input.position();
                let got = input.take_u8(#name_str)?;
                Self::__streamable_from_value(got).ok_or(::sickle_streamable::Error::InvalidEnum {
                    type_name: #name_str,
                    offset,
                    got,
                })
            }

            fn update_digest(&self, digest: &mut ::sickle_streamable::sha2::Sha256) {
                ::sickle_streamable::sha2::Digest::update(digest, [self.__streamable_value()]);
            }
        }

        ::sickle_streamable::cfg_json! {
            impl #json::ToJsonDict for #name {
                fn to_json_dict(&self) -> #json::serde_json::Value {
                    <u8 as #json::ToJsonDict>::to_json_dict(&self.__streamable_value())
                }
            }

            impl #json::FromJsonDict for #name {
                fn from_json_dict(
                    value: &#json::serde_json::Value,
                ) -> ::core::result::Result<Self, #json::JsonError> {
                    let raw = <u8 as #json::FromJsonDict>::from_json_dict(value)?;
                    Self::__streamable_from_value(raw)
                        .ok_or_else(|| #json::JsonError::invalid(#name_str, "no variant with this value"))
                }
            }
        }
    })
}
