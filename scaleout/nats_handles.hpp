#pragma once
// nats.c objects owned by std::unique_ptr, each with its destroy function.

#include <nats/nats.h>

#include <memory>

namespace splitstream::scaleout {

template <class T, void (*Destroy)(T*)>
struct nats_deleter {
    void operator()(T* p) const {
        if (p != nullptr) Destroy(p);
    }
};

using options_ptr = std::unique_ptr<natsOptions, nats_deleter<natsOptions, natsOptions_Destroy>>;
using connection_ptr = std::unique_ptr<natsConnection, nats_deleter<natsConnection, natsConnection_Destroy>>;
using subscription_ptr =
    std::unique_ptr<natsSubscription, nats_deleter<natsSubscription, natsSubscription_Destroy>>;
using message_ptr = std::unique_ptr<natsMsg, nats_deleter<natsMsg, natsMsg_Destroy>>;
using jetstream_ptr = std::unique_ptr<jsCtx, nats_deleter<jsCtx, jsCtx_Destroy>>;
using stream_info_ptr = std::unique_ptr<jsStreamInfo, nats_deleter<jsStreamInfo, jsStreamInfo_Destroy>>;
using kv_ptr = std::unique_ptr<kvStore, nats_deleter<kvStore, kvStore_Destroy>>;
using kv_entry_ptr = std::unique_ptr<kvEntry, nats_deleter<kvEntry, kvEntry_Destroy>>;
using metadata_ptr = std::unique_ptr<jsMsgMetaData, nats_deleter<jsMsgMetaData, jsMsgMetaData_Destroy>>;

}  // namespace splitstream::scaleout
